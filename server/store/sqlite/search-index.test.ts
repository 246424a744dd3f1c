import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { newMessageId } from "../../domain/message.service";
import { storeImplementations, type OpenedStore } from "../contract-stores";
import { openStore } from "../open-store";
import type { SearchIndexStep } from "./messages";
import { searchIndexUpkeep } from "./search-index.mjs";

/**
 * The search index off the append's commit (migration `*_message_search_deferred`): an
 * append notes its message; the writer thread indexes the noted ones a moment later; a search
 * is exact meanwhile; edits and deletions before and after indexing leave the FTS5 table
 * holding each message's current text only (FTS5's own integrity check).
 */
const sqliteStore = (await storeImplementations()).find(([name]) => name === "SQLite")![1];

describe("SQLite search index, kept after the commit", () => {
  let made: OpenedStore;
  let db: Database.Database;
  const ada = { id: randomUUID(), name: "Ada" };
  let rooms: string[];

  beforeEach(async () => {
    made = await sqliteStore();
    await made.addUser(ada);
    rooms = [];
    // Many rooms: a search goes through the index (not the few-small-rooms scan).
    for (let i = 0; i < 12; i++) rooms.push((await made.repos.rooms.create({ id: randomUUID(), slug: `r-${i}`, name: `R ${i}`, createdById: ada.id, visibility: "public" })).id);
    db = new Database(made.file!);
    db.pragma("busy_timeout = 5000");
  });
  afterEach(() => db?.close());

  const find = async (term: string) => (await made.repos.search.search({ roomIds: rooms, terms: [term], limit: 20 })).hits.map((h) => h.body);
  /** What the FTS5 table alone answers. */
  const indexed = (term: string) =>
    (db.prepare(`SELECT m."body" FROM "MessageSearch" s JOIN "Message" m ON m."rowid" = s."rowid" WHERE "MessageSearch" MATCH ? ORDER BY s."rowid" DESC`).all(`"${term}"`) as Array<{ body: string }>).map((r) => r.body);
  const noted = () => (db.prepare(`SELECT count(*) AS n FROM "MessageSearchPending"`).get() as { n: number }).n;
  /** FTS5 compares the index with the messages' text and throws on any difference. */
  const consistent = () => db.exec(`INSERT INTO "MessageSearch" ("MessageSearch") VALUES ('integrity-check')`);

  it("an append is found by a search at once, and indexed by the writer thread a moment later", async () => {
    await made.repos.messages.append({ id: newMessageId(), roomId: rooms[0]!, clientId: randomUUID(), body: "the quarterly report is ready", author: ada });
    // Still noted or already indexed: found either way, and once.
    expect(await find("quarterly")).toEqual(["the quarterly report is ready"]);
    await vi.waitFor(() => expect(noted()).toBe(0), { timeout: 15_000, interval: 50 });
    expect(indexed("quarterly")).toEqual(["the quarterly report is ready"]);
    expect(await find("quarterly")).toEqual(["the quarterly report is ready"]);
    consistent();
  });

  it("edits and deletions while noted and once indexed: the index holds each message's current text only", async () => {
    // Written here, on this connection, so that no writer thread indexes them meanwhile.
    const insert = db.prepare(`INSERT INTO "Message" ("id", "roomId", "seq", "authorId", "clientId", "body", "createdAt") VALUES (?, ?, ?, ?, ?, ?, ?)`);
    const now = new Date().toISOString();
    const [kept, gone, erased] = [randomUUID(), randomUUID(), randomUUID()];
    insert.run(kept, rooms[0], 1, ada.id, randomUUID(), "alpha draft one", now);
    insert.run(gone, rooms[0], 2, ada.id, randomUUID(), "beta to be removed", now);
    insert.run(erased, rooms[0], 3, ada.id, randomUUID(), "gamma erased row", now);
    const edit = db.prepare(`UPDATE "Message" SET "body" = ? WHERE "id" = ?`);
    const remove = db.prepare(`UPDATE "Message" SET "body" = '', "deletedAt" = ? WHERE "id" = ?`);
    const erase = db.prepare(`DELETE FROM "Message" WHERE "id" = ?`);
    expect(noted()).toBe(3);
    // Changed while noted: the index is left alone (FTS5 would need the text it never had).
    edit.run("alpha final two", kept);
    remove.run(now, gone);
    erase.run(erased);
    expect(noted()).toBe(2);
    expect(await find("draft")).toEqual([]);
    expect(await find("final two")).toEqual(["alpha final two"]);
    expect(await find("removed")).toEqual([]);
    searchIndexUpkeep(db).indexNoted();
    expect(noted()).toBe(0);
    expect(indexed("alpha")).toEqual(["alpha final two"]);
    expect(indexed("removed")).toEqual([]);
    consistent();
    // Changed once indexed: the triggers keep the index in the change's own commit.
    edit.run("alpha third text", kept);
    expect(indexed("final")).toEqual([]);
    expect(indexed("third")).toEqual(["alpha third text"]);
    consistent();
    remove.run(now, kept);
    expect(indexed("alpha")).toEqual([]);
    expect(await find("alpha")).toEqual([]);
    consistent();
    insert.run(randomUUID(), rooms[0], 4, ada.id, randomUUID(), "delta then erased", now);
    searchIndexUpkeep(db).indexNoted();
    erase.run((db.prepare(`SELECT "id" FROM "Message" WHERE "seq" = 4`).get() as { id: string }).id);
    expect(indexed("delta")).toEqual([]);
    consistent();
  });

  it("messages noted while no writer ran are indexed when the store opens, with no append", async () => {
    const insert = db.prepare(`INSERT INTO "Message" ("id", "roomId", "seq", "authorId", "clientId", "body", "createdAt") VALUES (?, ?, ?, ?, ?, ?, ?)`);
    for (let seq = 1; seq <= 5; seq++) insert.run(randomUUID(), rooms[0], seq, ada.id, randomUUID(), `imported ${seq}`, new Date().toISOString());
    expect(noted()).toBe(5);
    const reopened = await openStore(`file:${made.file!}`);
    try {
      await vi.waitFor(() => expect(noted()).toBe(0), { timeout: 15_000, interval: 50 });
      expect(indexed("imported")).toHaveLength(5);
      consistent();
    } finally {
      await reopened.close();
    }
  });

  it("a search reads the index and the noted messages in one snapshot, newest first, each once", async () => {
    const insert = db.prepare(`INSERT INTO "Message" ("id", "roomId", "seq", "authorId", "clientId", "body", "createdAt") VALUES (?, ?, ?, ?, ?, ?, ?)`);
    const now = new Date().toISOString();
    for (let seq = 1; seq <= 30; seq++) {
      insert.run(randomUUID(), rooms[seq % 12], seq, ada.id, randomUUID(), `ticket ${seq}`, now);
      if (seq === 15) searchIndexUpkeep(db).indexNoted(); // 1–15 indexed, 16–30 noted
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await made.repos.search.search({ roomIds: rooms, terms: ["ticket"], limit: 7, cursor });
      seen.push(...page.hits.map((h) => h.body));
      if (!page.next) break;
      cursor = page.next;
    }
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => `ticket ${30 - i}`));
  });

  it("the writer reports each upkeep step: how many messages it indexed, or why it failed (the notes stay)", async () => {
    const steps: SearchIndexStep[] = [];
    const own = await openStore(`file:${made.file!}`, { onSearchIndex: (step) => steps.push(step) });
    try {
      const append = (body: string) => own.repositories.messages.append({ id: newMessageId(), roomId: rooms[0]!, clientId: randomUUID(), body, author: ada });
      await Promise.all(["report one", "report two", "report three"].map(append));
      const indexedBy = () => steps.reduce((sum, step) => sum + ("messages" in step ? step.messages : 0), 0);
      await vi.waitFor(() => expect(indexedBy()).toBe(3), { timeout: 15_000, interval: 50 });
      expect(steps.every((step) => step.ms >= 0 && !("error" in step))).toBe(true);
      expect(noted()).toBe(0);

      // The index's table gone under the writer: its next step fails, and says so.
      db.exec(`DROP TABLE "MessageSearch"`);
      await append("report four");
      await vi.waitFor(() => expect(steps.some((step) => "error" in step)).toBe(true), { timeout: 15_000, interval: 50 });
      expect(steps.find((step) => "error" in step)).toMatchObject({ error: { message: expect.stringContaining("MessageSearch") } });
      expect(noted()).toBe(1);
    } finally {
      await own.close();
    }
  });

  it("FTS5's segments are merged by the writer between its steps, not inside them", async () => {
    /** Whether a merge would find work, probed in a transaction that is rolled back. */
    const mergeable = () => {
      db.exec("BEGIN IMMEDIATE");
      try {
        const before = (db.prepare(`SELECT total_changes() AS "n"`).get() as { n: number }).n;
        db.exec(`INSERT INTO "MessageSearch" ("MessageSearch", "rank") VALUES ('merge', 1000)`);
        return (db.prepare(`SELECT total_changes() AS "n"`).get() as { n: number }).n - before >= 2;
      } finally {
        db.exec("ROLLBACK");
      }
    };
    expect((db.prepare(`SELECT "v" FROM "MessageSearch_config" WHERE "k" = 'automerge'`).get() as { v: number }).v).toBe(0);
    // Six steps, each its own segment (the writer indexes each round before the next).
    for (let round = 0; round < 6; round++) {
      await Promise.all(Array.from({ length: 20 }, (_, i) => made.repos.messages.append({ id: newMessageId(), roomId: rooms[i % 12]!, clientId: randomUUID(), body: `segment ${round} line ${i}`, author: ada })));
      await vi.waitFor(() => expect(noted()).toBe(0), { timeout: 15_000, interval: 50 });
    }
    await vi.waitFor(() => expect(mergeable()).toBe(false), { timeout: 15_000, interval: 100 });
    expect(await find("segment 3 line 7")).toEqual(["segment 3 line 7"]);
    consistent();
  });
});
