import { randomUUID } from "node:crypto";
import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import { freshDatabaseUrl } from "../test/harness";
import { openStore, type Store } from "./open-store";
import type { MessageRepository } from "./ports";
import type { Db } from "./prisma/client";
import { PostgresMessageStore } from "./postgres/messages";
import { SqliteMessageStore } from "./sqlite/messages";

let store: Store | undefined;
let db: Db | undefined;
let repo: MessageRepository | undefined;
let url = "";
afterEach(async () => {
  await store?.close();
  store = undefined;
  db = undefined;
});

async function setup() {
  url = await freshDatabaseUrl();
  store = await openStore(url);
  db = store.db;
  const author = { id: randomUUID(), name: "Ada" };
  await db.user.create({ data: { id: author.id, name: author.name, email: `${author.id}@test.invalid` } });
  const room = await db.room.create({ data: { id: randomUUID(), slug: randomUUID(), name: "r", createdById: author.id } });
  repo = store.repositories.messages;
  return { repo, author, roomId: room.id };
}

describe("message store appends (group commit: SQLite's writer thread, PostgreSQL's per-room writer)", () => {
  it("300 appends at once, repeats among them: each stored once, seq 1..N without a hole, repeats answered with the original", async () => {
    const { repo, author, roomId } = await setup();
    const clientIds = Array.from({ length: 250 }, () => randomUUID());
    const sends = [...clientIds, ...clientIds.slice(0, 50)].map((clientId, i) => repo.append({ id: randomUUID(), roomId, clientId, body: `m${i}`, author }));
    const results = await Promise.all(sends);
    const fresh = results.filter((r) => !r.duplicate);
    expect(fresh.map((r) => r.message.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    const repeats = results.slice(250);
    expect(repeats.every((r) => r.duplicate)).toBe(true);
    expect(repeats.map((r) => r.message.id)).toEqual(results.slice(0, 50).map((r) => r.message.id));
    expect(await db!.message.count({ where: { roomId } })).toBe(250);
  });

  it("one bad append in a batch fails alone; the others are stored", async () => {
    const { repo, author, roomId } = await setup();
    const sends = Array.from({ length: 20 }, (_, i) =>
      repo.append({ id: randomUUID(), roomId: i === 7 ? "no-such-room" : roomId, clientId: randomUUID(), body: `m${i}`, author }),
    );
    const settled = await Promise.allSettled(sends);
    expect(settled.filter((s) => s.status === "rejected")).toHaveLength(1);
    expect(settled[7]!.status).toBe("rejected");
    expect(await db!.message.count({ where: { roomId } })).toBe(19);
  });

  it("the SQLite writer dying fails what it held; resent, those are stored once, and the next writer takes over", async (ctx) => {
    const { author, roomId } = await setup();
    if (!url.startsWith("file:")) return ctx.skip("PostgreSQL: its writer is a pool of connections, not a thread that can die (server/database-outage.integration.test.ts cuts its connections)");
    // A store of its own on the same file, through the seam that hands over its writer thread.
    let current: Worker | undefined;
    const repo = new SqliteMessageStore(url.slice("file:".length), { onWriterStarted: (worker) => (current = worker) });
    ctx.onTestFinished(() => repo.close());
    const writer = () => current;
    await repo.append({ id: randomUUID(), roomId, clientId: randomUUID(), body: "first", author });
    expect(writer()).toBeDefined();
    const clientIds = Array.from({ length: 200 }, () => randomUUID());
    const sends = clientIds.map((clientId, i) => repo.append({ id: randomUUID(), roomId, clientId, body: `m${i}`, author }));
    await new Promise((r) => setImmediate(r)); // posted to the writer
    const first = writer()!;
    await first.terminate();
    const settled = await Promise.allSettled(sends);
    const failed = settled.flatMap((s, i) => (s.status === "rejected" ? [i] : []));
    expect(failed.length).toBeGreaterThan(0); // the writer died holding appends
    for (const i of failed) expect(String((settled[i] as PromiseRejectedResult).reason)).toMatch(/SQLite writer stopped/);
    // An outbox resends what was not acknowledged: whether or not it was committed before
    // the writer died, it is stored once.
    await Promise.all(failed.map((i) => repo.append({ id: randomUUID(), roomId, clientId: clientIds[i]!, body: `m${i}`, author })));
    expect(writer()).not.toBe(first);
    const rows = await db!.message.findMany({ where: { roomId }, orderBy: { seq: "asc" } });
    expect(rows).toHaveLength(201);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 201 }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => r.clientId)).size).toBe(201);
  });

  it("appends sent in order without waiting for acks are numbered in that order, however they are batched", async () => {
    const { repo, author, roomId } = await setup();
    const results: Array<Promise<{ message: { seq: number } }>> = [];
    for (let i = 0; i < 400; i++) {
      results.push(repo.append({ id: randomUUID(), roomId, clientId: randomUUID(), body: `m${i}`, author }));
      // Some turns of the event loop in between, so that the appends travel in several batches.
      if (i % 37 === 0) await new Promise((r) => setImmediate(r));
    }
    const seqs = (await Promise.all(results)).map((r) => r.message.seq);
    expect(seqs).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
  });

  it("a resend of a stored message among new ones in one batch: answered with the original, the new ones numbered without a hole", async () => {
    const { repo, author, roomId } = await setup();
    const first = await Promise.all(Array.from({ length: 10 }, (_, i) => repo.append({ id: randomUUID(), roomId, clientId: randomUUID(), body: `a${i}`, author })));
    const resent = first[4]!.message;
    const batch = await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => repo.append({ id: randomUUID(), roomId, clientId: randomUUID(), body: `b${i}`, author })),
      repo.append({ id: randomUUID(), roomId, clientId: resent.clientId, body: resent.body, author }),
      ...Array.from({ length: 5 }, (_, i) => repo.append({ id: randomUUID(), roomId, clientId: randomUUID(), body: `c${i}`, author })),
    ]);
    expect(batch[5]!.duplicate).toBe(true);
    expect(batch[5]!.message.id).toBe(resent.id);
    expect(batch[5]!.message.seq).toBe(resent.seq);
    expect(batch.filter((r) => !r.duplicate).map((r) => r.message.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 11));
    const rows = await db!.message.findMany({ where: { roomId }, orderBy: { seq: "asc" }, select: { seq: true } });
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it("messages written around the store (a seeded or restored database): the next appends are numbered after them, without a hole", async () => {
    const { repo, author, roomId } = await setup();
    const around = (seq: number) => db!.message.create({ data: { id: randomUUID(), roomId, seq, clientId: randomUUID(), body: `seeded ${seq}`, authorId: author.id } });
    // A room whose messages the store never numbered (PostgreSQL: no counter for it yet).
    for (let seq = 1; seq <= 5; seq++) await around(seq);
    const first = await Promise.all(Array.from({ length: 3 }, (_, i) => repo.append({ id: randomUUID(), roomId, clientId: randomUUID(), body: `a${i}`, author })));
    expect(first.map((r) => r.message.seq)).toEqual([6, 7, 8]);
    const ways = repo instanceof PostgresMessageStore ? { ...repo.batchesWritten } : undefined;
    // One more written around it (PostgreSQL: its counter is now behind).
    await around(9);
    const next = await repo.append({ id: randomUUID(), roomId, clientId: randomUUID(), body: "b", author });
    expect(next.message.seq).toBe(10);
    // On PostgreSQL the statement of appends alone failed on the number taken, and the locked
    // way mended the counter; after it, appends alone are numbered from the counter again.
    if (repo instanceof PostgresMessageStore) {
      expect(repo.batchesWritten.locked).toBe(ways!.locked + 1);
      const after = await repo.append({ id: randomUUID(), roomId, clientId: randomUUID(), body: "c", author });
      expect(after.message.seq).toBe(11);
      expect(repo.batchesWritten).toEqual({ alone: ways!.alone + 1, locked: ways!.locked + 1 });
    }
    const rows = await db!.message.findMany({ where: { roomId }, orderBy: { seq: "asc" }, select: { seq: true } });
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: repo instanceof PostgresMessageStore ? 11 : 10 }, (_, i) => i + 1));
  });

  it("a bad append among good ones in the same room fails alone, and the numbers have no hole", async () => {
    const { repo, author, roomId } = await setup();
    const sends = Array.from({ length: 20 }, (_, i) =>
      // A user that does not exist: the row breaks the author's foreign key.
      repo.append({ id: randomUUID(), roomId, clientId: randomUUID(), body: `m${i}`, author: i === 7 ? { id: "no-such-user", name: "Nobody" } : author }),
    );
    const settled = await Promise.allSettled(sends);
    expect(settled.map((s) => s.status)).toEqual(Array.from({ length: 20 }, (_, i) => (i === 7 ? "rejected" : "fulfilled")));
    const rows = await db!.message.findMany({ where: { roomId }, orderBy: { seq: "asc" } });
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 19 }, (_, i) => i + 1));
    expect(rows.map((r) => r.body)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`).filter((_, i) => i !== 7));
  });

  it("two nodes (two repositories) appending into one room at once: seq 1..N without a hole, each stored once", async () => {
    const { author, roomId } = await setup();
    const other = await openStore(url);
    const second = other.repositories.messages;
    try {
      const sends = Array.from({ length: 200 }, (_, i) => (i % 2 ? second : repo!).append({ id: randomUUID(), roomId, clientId: randomUUID(), body: `m${i}`, author }));
      const results = await Promise.all(sends);
      expect(results.map((r) => r.message.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      const rows = await db!.message.findMany({ where: { roomId }, orderBy: { seq: "asc" } });
      expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    } finally {
      await other.close();
    }
  });

  it("bursts into 40 rooms at once, with one core kept busy: every append stored, none refused", async () => {
    const { author } = await setup();
    const rooms = await Promise.all(
      Array.from({ length: 40 }, () => db!.room.create({ data: { id: randomUUID(), slug: randomUUID(), name: "r", createdById: author.id } })),
    );
    // A neighbour on this machine: a thread spinning for the length of the burst.
    const spinner = new Worker("const end = Date.now() + 60_000; while (Date.now() < end) {}", { eval: true });
    try {
      const sends = rooms.flatMap((room) => Array.from({ length: 30 }, (_, i) => repo!.append({ id: randomUUID(), roomId: room.id, clientId: randomUUID(), body: `m${i}`, author })));
      const settled = await Promise.allSettled(sends);
      expect(settled.filter((s) => s.status === "rejected").map((s) => String((s as PromiseRejectedResult).reason))).toEqual([]);
    } finally {
      await spinner.terminate();
    }
    for (const room of rooms) {
      const rows = await db!.message.findMany({ where: { roomId: room.id }, orderBy: { seq: "asc" }, select: { seq: true } });
      expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    }
  });
});

