import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import type { Row } from "../lib/report";
import { percentile } from "../lib/targets";
import { stallMeter } from "../lib/stall";
import { newMessageId } from "../../server/domain/message.service";
import { migrateDatabase } from "../../server/store/migrate";
import { openDatabase, type Db } from "../../server/store/prisma";
import { PrismaMessageRepository } from "../../server/store/prisma/message.repository";

/** A migrated SQLite database with one user and one room; Parley's pragmas (WAL, synchronous=FULL). */
export async function benchDatabase(): Promise<{ file: string; db: Db; userId: string; roomId: string }> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "parley-bench-db-")), "bench.db");
  await migrateDatabase(`file:${file}`);
  const db = await openDatabase(`file:${file}`);
  const userId = randomUUID();
  const roomId = randomUUID();
  await db.user.create({ data: { id: userId, name: "Bench", email: `${userId}@bench.invalid` } });
  await db.room.create({ data: { id: roomId, slug: roomId, name: "Bench", createdById: userId } });
  return { file, db, userId, roomId };
}

/**
 * `concurrency` appends in flight through Parley's repository (Prisma) for `ms`. Ids as
 * `MessageService` makes them (`newMessageId`); `clientId`s random (v4), as a client that does not
 * send time-ordered ones would: Parley's own clients send v7, which is cheaper still
 * (docs/performance.md).
 */
async function throughPrisma(ms: number, concurrency: number) {
  const { db, userId, roomId } = await benchDatabase();
  const repo = new PrismaMessageRepository(db);
  const acks: number[] = [];
  const started = performance.now();
  const stall = stallMeter();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() - started < ms) {
        const t = performance.now();
        await repo.append({ id: newMessageId(), roomId, clientId: randomUUID(), body: "a chat message of ordinary length", author: { id: userId, name: "Bench" } });
        acks.push(performance.now() - t);
        // Yield, as requests arriving from sockets do (see history.ts).
        await new Promise((r) => setImmediate(r));
      }
    }),
  );
  const stallMs = stall.stop();
  const elapsed = performance.now() - started;
  repo.close();
  await db.$disconnect();
  acks.sort((a, b) => a - b);
  return { perSec: (acks.length / elapsed) * 1000, p99: percentile(acks, 99), eldMax: stallMs };
}

/** The same statement on better-sqlite3 directly, one commit per message, same pragmas. */
async function rawDriver(ms: number) {
  const { file, db, userId, roomId } = await benchDatabase();
  await db.$disconnect();
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
  const insert = sqlite.prepare(`
    INSERT INTO "Message" ("id", "roomId", "seq", "authorId", "clientId", "body", "createdAt")
    SELECT ?, ?, COALESCE(MAX("seq"), 0) + 1, ?, ?, ?, ? FROM "Message" WHERE "roomId" = ?
    ON CONFLICT ("authorId", "clientId") DO NOTHING RETURNING "seq"`);
  const acks: number[] = [];
  const started = performance.now();
  while (performance.now() - started < ms) {
    const t = performance.now();
    insert.get(newMessageId(), roomId, userId, randomUUID(), "a chat message of ordinary length", Date.now(), roomId);
    acks.push(performance.now() - t);
  }
  const elapsed = performance.now() - started;
  sqlite.close();
  acks.sort((a, b) => a - b);
  return { perSec: (acks.length / elapsed) * 1000, p99: percentile(acks, 99) };
}

export async function persistence(smoke: boolean): Promise<Row[]> {
  const ms = smoke ? 500 : 5000;
  const raw = await rawDriver(ms);
  const s = "persistence (SQLite, synchronous=FULL)";
  const rows: Row[] = [];
  // In flight at once, from a busy room's worth to a busy server's: group commit trades
  // latency for throughput (bigger batches, fewer fsyncs), so the sweep shows both ends.
  for (const concurrency of smoke ? [64] : [64, 128, 256]) {
    const prisma = await throughPrisma(ms, concurrency);
    rows.push(
      {
        scenario: `${s}, ${concurrency} in flight`,
        metric: "acknowledged messages/s",
        unit: "/s",
        parley: prisma.perSec,
        baseline: raw.perSec,
        target: { text: "≥ 20,000/s", met: prisma.perSec >= 20_000 },
      },
      { scenario: `${s}, ${concurrency} in flight`, metric: "ack p99", unit: "ms", parley: prisma.p99, baseline: raw.p99, target: { text: "< 20 ms", met: prisma.p99 < 20 } },
      { scenario: `${s}, ${concurrency} in flight`, metric: "longest event-loop stall", unit: "ms", parley: prisma.eldMax },
    );
  }
  return rows;
}
