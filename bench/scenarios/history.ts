import { v7 as uuidv7 } from "uuid";
import Database from "better-sqlite3";
import type { Row } from "../lib/report";
import { percentile } from "../lib/targets";
import { stallMeter } from "../lib/stall";
import { newMessageId } from "../../server/domain/message.service";
import { openStore } from "../../server/store/open-store";
import { searchIndexUpkeep } from "../../server/store/sqlite/search-index.mjs";
import { benchDatabase } from "./persistence";

/** Latest 50 and an older page in a room of 1,000,000 messages, while 200 messages a second are written. */
export async function history(smoke: boolean): Promise<Row[]> {
  const total = smoke ? 20_000 : 1_000_000;
  const { url, db: setup, userId, roomId } = await benchDatabase();
  const file = url.slice("file:".length);
  await setup.$disconnect();
  const seed = new Database(file);
  const insert = seed.prepare(`INSERT INTO "Message" ("id", "roomId", "seq", "authorId", "clientId", "body", "createdAt") VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const t0 = performance.now();
  seed.transaction(() => {
    for (let seq = 1; seq <= total; seq++) insert.run(`m${seq}`, roomId, seq, userId, `c${seq}`, `message number ${seq} in a long history`, Date.now());
  })();
  // Indexed for search as a running server would have, so that no backlog is indexed while this measures.
  searchIndexUpkeep(seed).indexNoted();
  seed.close();
  console.error(`    seeded ${total.toLocaleString("en-US")} messages in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const store = await openStore(`file:${file}`);
  const repo = store.repositories.messages;
  let writing = true;
  const writer = (async () => {
    while (writing) {
      await repo.append({ id: newMessageId(), roomId, clientId: uuidv7(), body: "live", author: { id: userId, name: "Bench" } });
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const latest: number[] = [];
  const older: number[] = [];
  const stall = stallMeter();
  const rounds = smoke ? 50 : 1000;
  for (let i = 0; i < rounds; i++) {
    let t = performance.now();
    await repo.pageBefore(roomId, undefined, 50);
    latest.push(performance.now() - t);
    t = performance.now();
    await repo.pageBefore(roomId, Math.floor(total / 2) - i * 50, 50);
    older.push(performance.now() - t);
    // Yield between reads, as requests arriving from sockets do: the stall meter then sees
    // how long one read holds the loop, not this loop's own chain of promises.
    await new Promise((r) => setImmediate(r));
  }
  const stallMs = stall.stop();
  writing = false;
  await writer;
  await store.close();
  latest.sort((a, b) => a - b);
  older.sort((a, b) => a - b);
  const s = `history (${total.toLocaleString("en-US")} messages, writes going on)`;
  return [
    { scenario: s, metric: "latest 50, p50", unit: "ms", parley: percentile(latest, 50) },
    { scenario: s, metric: "latest 50, p99", unit: "ms", parley: percentile(latest, 99), target: { text: "< 5 ms", met: percentile(latest, 99) < 5 } },
    { scenario: s, metric: "older page, p50", unit: "ms", parley: percentile(older, 50) },
    { scenario: s, metric: "older page, p99", unit: "ms", parley: percentile(older, 99), target: { text: "< 5 ms", met: percentile(older, 99) < 5 } },
    { scenario: s, metric: "longest event-loop stall", unit: "ms", parley: stallMs, target: { text: "no stall > 10 ms", met: stallMs <= 10 } },
  ];
}
