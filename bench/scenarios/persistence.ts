import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { quartiles, ratioVerdict, type Row } from "../lib/report";
import { percentile } from "../lib/targets";
import { stallMeter } from "../lib/stall";
import { newMessageId } from "../../server/domain/message.service";
import { migrateDatabase } from "../../server/store/migrate";
import { openStore } from "../../server/store/open-store";
import type { MessageRepository } from "../../server/store/ports";
import { openDatabase, type Db } from "../../server/store/prisma/client";
import { DROP_SEARCH_INDEX } from "../../server/store/sqlite/search-index.mjs";
import { createPostgresDatabase, dropDatabase, postgresReachable, TEST_POSTGRES_URL } from "../../server/test/databases";

const BODY = "a chat message of ordinary length";

/** A migrated database (a SQLite file, or a PostgreSQL database) with one user and one room. */
export async function benchDatabase(url?: string): Promise<{ url: string; db: Db; userId: string; roomId: string }> {
  url ??= `file:${path.join(fs.mkdtempSync(path.join(os.tmpdir(), "parley-bench-db-")), "bench.db")}`;
  await migrateDatabase(url);
  const db = await openDatabase(url);
  const userId = randomUUID();
  const roomId = randomUUID();
  await db.user.create({ data: { id: userId, name: "Bench", email: `${userId}@bench.invalid` } });
  await db.room.create({ data: { id: roomId, slug: roomId, name: "Bench", createdById: userId } });
  return { url, db, userId, roomId };
}

interface Window {
  perSec: number;
  p99: number;
  stallMs: number;
}

/** Closed-loop figures: acknowledgements a second, their p99, the longest event-loop stall. */
function summary(acks: number[], elapsedMs: number, stallMs = 0): Window {
  acks.sort((a, b) => a - b);
  return { perSec: (acks.length / elapsedMs) * 1000, p99: percentile(acks, 99), stallMs };
}

/**
 * Parley: `concurrency` appends in flight through its repository for `ms` (the SQLite
 * writer thread's group commit, or PostgreSQL's per-room group commit). Ids as
 * `MessageService` makes them; `clientId`s random (v4), as a client that does not send
 * time-ordered ones would (Parley's own clients send v7, which is cheaper still).
 */
async function parleyWindow(repo: MessageRepository, userId: string, roomId: string, ms: number, concurrency: number): Promise<Window> {
  const acks: number[] = [];
  const started = performance.now();
  const stall = stallMeter();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() - started < ms) {
        const t = performance.now();
        await repo.append({ id: newMessageId(), roomId, clientId: randomUUID(), body: BODY, author: { id: userId, name: "Bench" } });
        acks.push(performance.now() - t);
        // Yield, as requests arriving from sockets do (see history.ts).
        await new Promise((r) => setImmediate(r));
      }
    }),
  );
  return summary(acks, performance.now() - started, stall.stop());
}

/**
 * The physical floor on SQLite: better-sqlite3 directly, the same pragmas (WAL,
 * synchronous=FULL, so one fsync per commit), the same statement, and group commits of
 * `batch` messages, back to back, with nothing else in the way. Every message of a batch is
 * acknowledged at its commit.
 */
function sqliteFloorWindow(sqlite: Database.Database, userId: string, roomId: string, ms: number, batch: number): Window {
  const insert = sqlite.prepare(`
    INSERT INTO "Message" ("id", "roomId", "seq", "authorId", "clientId", "body", "createdAt")
    SELECT ?, ?, COALESCE(MAX("seq"), 0) + 1, ?, ?, ?, ? FROM "Message" WHERE "roomId" = ?
    ON CONFLICT ("authorId", "clientId") DO NOTHING RETURNING "seq"`);
  const commit = sqlite.transaction((n: number) => {
    const now = new Date().toISOString();
    for (let i = 0; i < n; i++) insert.get(newMessageId(), roomId, userId, randomUUID(), BODY, now, roomId);
  });
  const acks: number[] = [];
  const started = performance.now();
  while (performance.now() - started < ms) {
    const t = performance.now();
    commit(batch);
    const took = performance.now() - t;
    for (let i = 0; i < batch; i++) acks.push(took);
  }
  return summary(acks, performance.now() - started);
}

/**
 * The physical floor on PostgreSQL: node-postgres directly, one multi-row INSERT of `batch`
 * messages per commit (its own transaction, synchronous_commit as the server has it: the
 * same durability as Parley's), numbers computed here, no lock, no dedup read.
 */
async function postgresFloorWindow(client: pg.Client, userId: string, roomId: string, ms: number, batch: number, next: { seq: number }): Promise<Window> {
  const acks: number[] = [];
  const started = performance.now();
  while (performance.now() - started < ms) {
    const t = performance.now();
    const ids = Array.from({ length: batch }, () => newMessageId());
    await client.query(
      `INSERT INTO "Message" ("id", "roomId", "seq", "authorId", "clientId", "body", "createdAt")
       SELECT t.id, $1, $2 + t.n, $3, t.client, $4, now() FROM unnest($5::text[], $6::text[]) WITH ORDINALITY AS t(id, client, n)`,
      [roomId, next.seq, userId, BODY, ids, ids.map(() => randomUUID())],
    );
    next.seq += batch;
    const took = performance.now() - t;
    for (let i = 0; i < batch; i++) acks.push(took);
  }
  return summary(acks, performance.now() - started);
}

/**
 * The textbook server's store (issue 31): `await prisma.message.create(...)` per message,
 * `concurrency` in flight, through Prisma's client on the same settings (WAL,
 * synchronous=FULL) in a database of its own without Parley's search index (the textbook
 * server has no search). Seq numbers counted here, as the textbook server counts them.
 */
async function textbookWindow(db: Db, userId: string, roomId: string, ms: number, concurrency: number, next: { seq: number }): Promise<Window> {
  const acks: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() - started < ms) {
        const t = performance.now();
        const id = randomUUID();
        await db.message.create({ data: { id, roomId, seq: ++next.seq, authorId: userId, clientId: id, body: BODY }, select: { id: true } });
        acks.push(performance.now() - t);
        await new Promise((r) => setImmediate(r));
      }
    }),
  );
  return summary(acks, performance.now() - started);
}

/**
 * Parley's schema less its search index: for the textbook store, and for the floor (a database
 * of its own on the same disk, so that Parley's writer thread indexes none of its rows).
 */
async function withoutSearchIndex() {
  const d = await benchDatabase();
  for (const statement of DROP_SEARCH_INDEX) await d.db.$executeRawUnsafe(statement);
  return d;
}

/** Windows of the sides, taken in turn: disks and neighbours drift within minutes. */
const ROUNDS = 3;
/** Throughput windows of one disk in turn: a bound on the ratios' IQR, as a share of their median. */
const PERSISTENCE_NOISE_BOUND = 0.3;

type Sides = { parley: Window; floor: Window; textbook?: Window };

function rowsFor(scenario: string, pairs: Sides[]): Row[] {
  /** A figure of Parley and a reference, judged by the median of the rounds' ratios. */
  const judged = (metric: string, unit: string, f: (w: Window) => number, side: "floor" | "textbook", limit: number, atLeast: boolean): Row => {
    const label = side === "floor" ? "floor" : "textbook (Prisma)";
    const { verdict, spread } = ratioVerdict(
      pairs.map((p) => f(p.parley) / f(p[side]!)),
      limit,
      PERSISTENCE_NOISE_BOUND,
      atLeast,
    );
    console.error(`    ${scenario}: ${metric} against the ${label}: ${spread}: ${verdict}`);
    const median = (w: (p: Sides) => Window) => quartiles(pairs.map((p) => f(w(p)))).median;
    return {
      scenario,
      metric,
      unit,
      reference: label,
      parley: median((p) => p.parley),
      baseline: median((p) => p[side]!),
      spread,
      target: { text: `${atLeast ? "≥" : "≤"} ${limit}× ${label}`, verdict },
    };
  };
  return [
    judged("acknowledged messages/s", "/s", (w) => w.perSec, "floor", 0.8, true),
    judged("ack p99", "ms", (w) => w.p99, "floor", 2, false),
    ...(pairs.every((p) => p.textbook) ? [judged("acknowledged messages/s", "/s", (w) => w.perSec, "textbook", 5, true)] : []),
    { scenario, metric: "longest event-loop stall", unit: "ms", parley: Math.max(...pairs.map((p) => p.parley.stallMs)) },
  ];
}

/**
 * SQLite, synchronous=FULL: Parley's acknowledged appends a second, for 64, 128 and 256 in
 * flight, against the floor of the same disk in the same minutes (group commits of the same
 * size on better-sqlite3 directly, into a database of its own without the search index: until
 * run Y it wrote into Parley's file and paid the index's trigger in its commits too).
 */
async function sqlitePersistence(smoke: boolean): Promise<Row[]> {
  const ms = smoke ? 500 : 3000;
  const rows: Row[] = [];
  for (const concurrency of smoke ? [64] : [64, 128, 256]) {
    const { url, db, userId, roomId } = await benchDatabase();
    // The writer thread's search-index upkeep, timed: Parley's work that the floor does not do.
    let indexMs = 0;
    const store = await openStore(url, { onSearchIndex: (step) => (indexMs += step.ms) });
    const repo = store.repositories.messages;
    const floorDb = await withoutSearchIndex();
    await floorDb.db.$disconnect();
    const sqlite = new Database(floorDb.url.slice("file:".length));
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = FULL");
    const textbook = await withoutSearchIndex();
    const next = { seq: 0 };
    const pairs: Sides[] = [];
    try {
      for (let round = 0; round < (smoke ? 1 : ROUNDS); round++) {
        indexMs = 0;
        const parley = await parleyWindow(repo, userId, roomId, ms, concurrency);
        const indexUs = (indexMs * 1000) / ((parley.perSec * ms) / 1000);
        const floor = sqliteFloorWindow(sqlite, floorDb.userId, floorDb.roomId, ms, concurrency);
        const prisma = await textbookWindow(textbook.db, textbook.userId, textbook.roomId, ms, concurrency, next);
        console.error(
          `    SQLite ${concurrency} in flight, round ${round + 1}: Parley ${Math.round(parley.perSec)}/s p99 ${parley.p99.toFixed(1)} ms (search index upkeep ${indexUs.toFixed(1)} µs a message); floor ${Math.round(floor.perSec)}/s p99 ${floor.p99.toFixed(1)} ms; textbook ${Math.round(prisma.perSec)}/s p99 ${prisma.p99.toFixed(1)} ms`,
        );
        pairs.push({ parley, floor, textbook: prisma });
      }
    } finally {
      await textbook.db.$disconnect();
      sqlite.close();
      await store.close();
      await db.$disconnect();
    }
    rows.push(...rowsFor(`persistence SQLite (synchronous=FULL), ${concurrency} in flight`, pairs));
  }
  return rows;
}

/** The same on PostgreSQL (PARLEY_TEST_POSTGRES_URL's server), in a database made for the run. */
async function postgresPersistence(smoke: boolean): Promise<Row[]> {
  if (!(await postgresReachable())) {
    if (process.env.PARLEY_REQUIRE_SERVICES === "1") throw new Error(`PostgreSQL is not reachable at ${TEST_POSTGRES_URL}`);
    console.error(`    PostgreSQL is not reachable at ${TEST_POSTGRES_URL}: its persistence rows are left out`);
    return [];
  }
  const ms = smoke ? 500 : 3000;
  const rows: Row[] = [];
  for (const concurrency of smoke ? [64] : [64, 256]) {
    const url = await createPostgresDatabase();
    try {
      const { db, userId, roomId } = await benchDatabase(url);
      const store = await openStore(url);
      const repo = store.repositories.messages;
      // The floor writes a room of its own, so that the two sides' numbers never meet.
      const floorRoom = randomUUID();
      await db.room.create({ data: { id: floorRoom, slug: floorRoom, name: "Floor", createdById: userId } });
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const next = { seq: 0 };
      const pairs: Sides[] = [];
      try {
        for (let round = 0; round < (smoke ? 1 : ROUNDS); round++) {
          const parley = await parleyWindow(repo, userId, roomId, ms, concurrency);
          const floor = await postgresFloorWindow(client, userId, floorRoom, ms, concurrency, next);
          console.error(`    PostgreSQL ${concurrency} in flight, round ${round + 1}: Parley ${Math.round(parley.perSec)}/s p99 ${parley.p99.toFixed(1)} ms; floor ${Math.round(floor.perSec)}/s p99 ${floor.p99.toFixed(1)} ms`);
          pairs.push({ parley, floor });
        }
      } finally {
        await client.end();
        await store.close();
        await db.$disconnect();
      }
      rows.push(...rowsFor(`persistence PostgreSQL, ${concurrency} in flight into one room`, pairs));
    } finally {
      await dropDatabase(url);
    }
  }
  return rows;
}

export async function persistence(smoke: boolean): Promise<Row[]> {
  return [...(await sqlitePersistence(smoke)), ...(await postgresPersistence(smoke))];
}
