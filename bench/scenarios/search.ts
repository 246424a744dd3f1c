import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import type { Row } from "../lib/report";
import { percentile } from "../lib/targets";
import { stallMeter } from "../lib/stall";
import { newMessageId } from "../../server/domain/message.service";
import { DomainError } from "../../server/domain/errors";
import { RoomService } from "../../server/domain/room.service";
import { SearchService } from "../../server/domain/search.service";
import { openStore } from "../../server/store/open-store";
import { searchIndexUpkeep } from "../../server/store/sqlite/search-index.mjs";
import { createPostgresDatabase, dropDatabase, postgresReachable } from "../../server/test/databases";
import { benchDatabase } from "./persistence";

/** Words the messages are made of: a common few, and many rare ones (a long tail, as in chat). */
const COMMON = ["the", "and", "deploy", "meeting", "lunch", "release", "review", "coffee", "bug", "thanks", "today", "tomorrow", "please", "great", "issue"];
const RARE = Array.from({ length: 5_000 }, (_, i) => `w${(i * 7919).toString(36)}x`);

/** A deterministic generator, so that every run searches the same text. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function bodyOf(next: () => number, i: number): string {
  const words: string[] = [];
  const n = 4 + Math.floor(next() * 10);
  for (let w = 0; w < n; w++) words.push(next() < 0.7 ? COMMON[Math.floor(next() * COMMON.length)]! : RARE[Math.floor(next() * RARE.length)]!);
  if (i % 1000 === 0) words.push(`https://example.com/issues/${i}`);
  return words.join(" ");
}

/** The queries people type: a common word, a rare one, two words, a phrase, a short term, filters. */
const QUERIES: Array<(rooms: string[]) => string> = [
  () => "deploy",
  () => RARE[17]!,
  () => `release ${RARE[99]!}`,
  () => '"review please"',
  () => "ok",
  () => "from:user3 lunch",
  (rooms) => `in:${rooms[5]} coffee`,
  () => "example.com/issues/42",
  () => "nothing-matches-this-term",
];

interface Populated {
  userId: string;
  roomSlugs: string[];
  roomIds: string[];
}

/**
 * `count` messages over `roomCount` public rooms, written straight to SQLite, then indexed as
 * the writer thread indexes them after its commits: a database that has been running.
 */
function populateSqlite(file: string, count: number, roomCount: number): Populated {
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  const users = Array.from({ length: 100 }, (_, i) => ({ id: randomUUID(), name: `user${i}` }));
  const insertUser = sqlite.prepare(`INSERT INTO "User" ("id", "name", "email") VALUES (?, ?, ?)`);
  const insertRoom = sqlite.prepare(`INSERT INTO "Room" ("id", "slug", "name", "visibility", "createdById") VALUES (?, ?, ?, 'public', ?)`);
  const rooms = Array.from({ length: roomCount }, (_, i) => ({ id: randomUUID(), slug: `room-${i}` }));
  sqlite.transaction(() => {
    for (const u of users) insertUser.run(u.id, u.name, `${u.id}@bench.invalid`);
    for (const r of rooms) insertRoom.run(r.id, r.slug, r.slug, users[0]!.id);
  })();
  const insert = sqlite.prepare(`INSERT INTO "Message" ("id", "roomId", "seq", "authorId", "clientId", "body", "createdAt") VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const seqs = new Array<number>(roomCount).fill(0);
  const next = random(42);
  const start = Date.now() - count;
  const batch = sqlite.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const r = Math.floor(next() * roomCount);
      insert.run(newMessageId(), rooms[r]!.id, ++seqs[r]!, users[i % users.length]!.id, randomUUID(), bodyOf(next, i), new Date(start + i).toISOString().replace("Z", "+00:00"));
    }
  });
  for (let from = 0; from < count; from += 20_000) batch(from, Math.min(count, from + 20_000));
  searchIndexUpkeep(sqlite).indexNoted();
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  sqlite.close();
  return { userId: users[0]!.id, roomSlugs: rooms.map((r) => r.slug), roomIds: rooms.map((r) => r.id) };
}

/** The same on PostgreSQL, in multi-row inserts (the trigram index is maintained as they go). */
async function populatePostgres(url: string, count: number, roomCount: number): Promise<Populated> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const users = Array.from({ length: 100 }, (_, i) => ({ id: randomUUID(), name: `user${i}` }));
    const rooms = Array.from({ length: roomCount }, (_, i) => ({ id: randomUUID(), slug: `room-${i}` }));
    await client.query(`INSERT INTO "User" ("id", "name", "email", "updatedAt") SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamp[])`, [
      users.map((u) => u.id),
      users.map((u) => u.name),
      users.map((u) => `${u.id}@bench.invalid`),
      users.map(() => new Date()),
    ]);
    await client.query(`INSERT INTO "Room" ("id", "slug", "name", "visibility", "createdById") SELECT a, b, b, 'public', $3 FROM unnest($1::text[], $2::text[]) AS t(a, b)`, [
      rooms.map((r) => r.id),
      rooms.map((r) => r.slug),
      users[0]!.id,
    ]);
    const seqs = new Array<number>(roomCount).fill(0);
    const next = random(42);
    const start = Date.now() - count;
    for (let from = 0; from < count; from += 10_000) {
      const cols: unknown[][] = [[], [], [], [], [], [], []];
      for (let i = from; i < Math.min(count, from + 10_000); i++) {
        const r = Math.floor(next() * roomCount);
        const row = [newMessageId(), rooms[r]!.id, ++seqs[r]!, users[i % users.length]!.id, randomUUID(), bodyOf(next, i), new Date(start + i)];
        row.forEach((v, c) => cols[c]!.push(v));
      }
      await client.query(
        `INSERT INTO "Message" ("id", "roomId", "seq", "authorId", "clientId", "body", "createdAt")
         SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::timestamp[])`,
        cols,
      );
    }
    await client.query(`ANALYZE "Message"`);
    return { userId: users[0]!.id, roomSlugs: rooms.map((r) => r.slug), roomIds: rooms.map((r) => r.id) };
  } finally {
    await client.end();
  }
}

/**
 * Searches as a user who may read every room, one after another for `ms`, while appends go on
 * at `writeRate` a second into random rooms: the latency of each search, and the event
 * loop's longest stall meanwhile.
 */
async function run(label: string, url: string, populated: Populated, ms: number, writeRate: number): Promise<Row[]> {
  const store = await openStore(url);
  const { rooms: roomRepo, search: index, messages } = store.repositories;
  const service = new SearchService(index, new RoomService(roomRepo), roomRepo);
  const user = { id: populated.userId, name: "user0" };
  const latencies: number[] = [];
  let written = 0;
  let writeErrors = 0;
  try {
    // Warm-up: the statements prepared, the search thread started, pages in the cache.
    for (const q of QUERIES) await service.search(user, { query: q(populated.roomSlugs) });
    let writing = true;
    const writer = (async () => {
      const next = random(7);
      const interval = 1000 / writeRate;
      let due = performance.now();
      while (writing) {
        due += interval;
        const roomId = populated.roomIds[Math.floor(next() * populated.roomIds.length)]!;
        messages
          .append({ id: newMessageId(), roomId, clientId: randomUUID(), body: bodyOf(next, written), author: user })
          .then(() => written++)
          .catch(() => writeErrors++);
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    })();
    // The bench's own garbage (a million generated messages) is not the search's to collect.
    (globalThis as { gc?: () => void }).gc?.();
    const stall = stallMeter();
    const started = performance.now();
    const byQuery = new Map<string, number[]>();
    let i = 0;
    // A search that ran past the engine's time limit is answered "too broad", as a user would
    // be told: counted (its time too), not the end of the run.
    let refused = 0;
    while (performance.now() - started < ms) {
      const query = QUERIES[i++ % QUERIES.length]!(populated.roomSlugs);
      const t = performance.now();
      await service.search(user, { query }).catch((err: unknown) => {
        if (!(err instanceof DomainError && err.code === "invalid_payload")) throw err;
        refused++;
      });
      const took = performance.now() - t;
      latencies.push(took);
      // The server gets each search as an event of its own, and the loop goes round between
      // them. Chained here without a turn of the loop (the answer posted by the search
      // thread is handled in the same turn as the next search's start), a back-to-back loop
      // kept the meter's timer from ever running: it measured the bench's own loop (16.5 ms
      // against 10.7 ms with the turn, at 100,000 messages), not what one search holds.
      await new Promise((resolve) => setImmediate(resolve));
      byQuery.set(query, [...(byQuery.get(query) ?? []), took]);
    }
    const stallMs = stall.stop();
    for (const [query, times] of byQuery) {
      times.sort((a, b) => a - b);
      console.error(`    ${label}: ${JSON.stringify(query)}: median ${percentile(times, 50).toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms over ${times.length}`);
    }
    writing = false;
    await writer;
    latencies.sort((a, b) => a - b);
    const scenario = `search ${label}`;
    // Targets: issue 18's for SQLite, issue 32's (the same figures) for PostgreSQL. A stall is
    // judged by the time the main thread itself ran without yielding (`held`): the gap in wall
    // time, shown beside it, also counts the waits for a core on two cores shared with
    // PostgreSQL and the appends (run AF in docs/performance.md: 15-23 ms gaps, 7.5-7.9 ms of
    // them on a CPU).
    return [
      { scenario, metric: "searches", unit: "", parley: latencies.length },
      { scenario, metric: "searches answered \"too broad\" (past the time limit)", unit: "", parley: refused },
      { scenario, metric: "search p50", unit: "ms", parley: percentile(latencies, 50) },
      { scenario, metric: "search p99", unit: "ms", parley: percentile(latencies, 99), target: { text: "< 50 ms", met: percentile(latencies, 99) < 50 } },
      { scenario, metric: "longest event-loop stall (main thread on a CPU)", unit: "ms", parley: stall.held, target: { text: "≤ 10 ms", met: stall.held <= 10 } },
      { scenario, metric: "longest gap between the loop's turns (wall time, waits for a core included)", unit: "ms", parley: stallMs },
      { scenario, metric: "appends during the searches", unit: "/s", parley: (written / ms) * 1000, ...(writeErrors > 0 ? { spread: `${writeErrors} failed` } : {}) },
    ];
  } finally {
    await store.close();
  }
}

/**
 * Search over `count` messages in 1,000 rooms (1,000,000 in a full run), with appends going on
 * (200 a second): latency of the whole search use-case (the readable rooms, the index, the
 * snippets), and how long the event loop was held meanwhile. SQLite, then PostgreSQL when
 * it is reachable.
 */
export async function search(smoke: boolean): Promise<Row[]> {
  const count = smoke ? 20_000 : 1_000_000;
  const roomCount = smoke ? 100 : 1_000;
  const ms = smoke ? 1_000 : 10_000;
  const rows: Row[] = [];
  const sqlite = await benchDatabase();
  await sqlite.db.$disconnect();
  let t = performance.now();
  const populated = populateSqlite(sqlite.url.slice("file:".length), count, roomCount);
  console.error(`    SQLite: ${count} messages in ${roomCount} rooms written in ${((performance.now() - t) / 1000).toFixed(1)} s (FTS index included)`);
  rows.push(...(await run(`SQLite, ${count.toLocaleString("en-US")} messages`, sqlite.url, populated, ms, 200)));
  if (await postgresReachable()) {
    const url = await createPostgresDatabase();
    try {
      const pgDb = await benchDatabase(url);
      await pgDb.db.$disconnect();
      t = performance.now();
      const pgPopulated = await populatePostgres(url, count, roomCount);
      console.error(`    PostgreSQL: ${count} messages written in ${((performance.now() - t) / 1000).toFixed(1)} s (trigram index included)`);
      rows.push(...(await run(`PostgreSQL, ${count.toLocaleString("en-US")} messages`, url, pgPopulated, ms, 200)));
    } finally {
      await dropDatabase(url);
    }
  }
  return rows;
}
