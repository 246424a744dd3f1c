import type Database from "better-sqlite3";
import type { Worker } from "node:worker_threads";
import type { ChatMessage, MessageChange } from "../../contract/model";
import type { AppendResult, ChangeResult, MessageRef, MessageRepository, NewChange, NewMessage } from "../ports";
import { groupReactions, quotesOf, toChange, toMessage, toRef, type ChangeRow, type RefRow, type MessageRow, type OriginalRow, type ReactionRow } from "../sql/rows";
import { CHANGE_SELECT, MESSAGE_SELECT, ORIGINAL_SELECT, REACTION_SELECT, REF_SELECT } from "../sql/message-reads";
import { sharedReadConnection } from "./reader";
import { ANY_NOTED } from "./search-index.mjs";
import { WorkerThread } from "./worker-thread";

/** What the server hears from the SQLite writer thread (metrics, logs, tests). */
export interface SqliteWriterHooks {
  onWriterStarted?: (worker: Worker) => void;
  onCommit?: (writes: number) => void;
  onSearchIndex?: (step: SearchIndexStep) => void;
}

type Pending =
  | { resolve: (r: AppendResult) => void; reject: (e: Error) => void; m: NewMessage }
  | { resolve: (r: ChangeResult | null) => void; reject: (e: Error) => void; c: NewChange };

/**
 * What became of one step of the writer's search-index upkeep (writer.worker.mjs): how many
 * noted messages it indexed and how long it took, or why it failed (the notes stay).
 */
export type SearchIndexStep = { ms: number } & ({ messages: number } | { error: { message: string; code?: string }; /** A merge of FTS5's segments failed, not an index step. */ merge?: true });

/** What the writer answers for one append or change (writer.worker.mjs). */
type Reply = { id: number } & (
  | { inserted: number; createdAt: number }
  | { existing: MessageRow }
  | { changed: ChangeRow | null }
  | { error: { message: string; code?: string } }
);

/**
 * The message store on SQLite: the hot path's append, and the pages read on every join and catch-up,
 * each on a better-sqlite3 connection of its own with prepared statements, without
 * Prisma's per-statement cost (~0.3 ms in its engine-less mode against ~15 µs here:
 * docs/performance.md).
 *
 * Appends go to a writer on a worker thread (writer.worker.mjs) with group commit:
 * the appends made in one turn of the event loop travel in one message, the writer puts
 * those that reach it together in one transaction, one commit (one fsync under
 * synchronous=FULL), and each caller is answered after it. The fsync and the statements
 * run on the worker, so they do not stall the event loop that writes to the sockets. A
 * batch that fails is written again one append at a time there, so that one bad message
 * fails alone. If the worker dies, what it held fails and the next append starts another.
 *
 * Pages are read on this thread, on the shared read connection (reader.ts; WAL:
 * readers never wait).
 */
export class SqliteMessageStore implements MessageRepository {
  private readonly connection: Database.Database;
  private readonly releaseReads: () => void;
  private readonly latest: Database.Statement;
  private readonly before: Database.Statement;
  private readonly after: Database.Statement;
  private readonly reactionsOf: Database.Statement;
  private readonly originalsOf: Database.Statement;
  private readonly changes: Database.Statement;
  private readonly cursor: Database.Statement;
  private readonly touched: Database.Statement;
  private readonly ref: Database.Statement;
  private readonly writer: WorkerThread<Pending>;
  private outgoing: Array<{ id: number; m: NewMessage } | { id: number; c: NewChange }> = [];

  /**
   * `file`: the database file (an in-memory database would be another one on every
   * connection). `onWriterStarted`: a seam for tests that kill the writer thread.
   * `onCommit`: hears how many writes each of the writer's transactions carried (metrics).
   * `onSearchIndex`: hears each step of the search index's upkeep on the writer thread.
   */
  constructor(file: string, options: SqliteWriterHooks = {}) {
    const { onCommit, onSearchIndex } = options;
    this.writer = new WorkerThread<Pending>(
      new URL("./writer.worker.mjs", import.meta.url),
      { file },
      "the SQLite writer",
      (data) => {
        if (!Array.isArray(data)) {
          onSearchIndex?.((data as { searchIndex: SearchIndexStep }).searchIndex);
          return;
        }
        const replies = data;
        // One reply array per transaction (writer.worker.mjs).
        onCommit?.((replies as Reply[]).length);
        for (const reply of replies as Reply[]) this.settle(reply);
      },
      // Everything sent to a writer that is gone, and not yet answered, failed: what waits
      // for the next send failed with it and must not be written.
      () => (this.outgoing = []),
      options.onWriterStarted,
    );
    const reads = sharedReadConnection(file);
    this.connection = reads.sqlite;
    this.releaseReads = reads.release;
    // Pages: one statement with the author's name joined, where Prisma runs two (the
    // messages, then their authors) at ~0.5 ms each; a rejoin reads two pages.
    const page = (where: string, order: "ASC" | "DESC") => this.connection.prepare(`${MESSAGE_SELECT} WHERE ${where} ORDER BY m."seq" ${order} LIMIT ?`);
    this.latest = page(`m."roomId" = ?`, "DESC");
    this.before = page(`m."roomId" = ? AND m."seq" < ?`, "DESC");
    this.after = page(`m."roomId" = ? AND m."seq" > ?`, "ASC");
    // A page's reactions in one more statement (the page's ids as one JSON array).
    this.reactionsOf = this.connection.prepare(`${REACTION_SELECT} WHERE r."messageId" IN (SELECT value FROM json_each(?)) ORDER BY r."createdAt", r."rowid"`);
    this.originalsOf = this.connection.prepare(`${ORIGINAL_SELECT} WHERE m."id" IN (SELECT value FROM json_each(?))`);
    this.changes = this.connection.prepare(`${CHANGE_SELECT} WHERE c."roomId" = ? AND c."cseq" > ? ORDER BY c."cseq" ASC LIMIT ?`);
    this.cursor = this.connection.prepare(`SELECT COALESCE(MAX("cseq"), 0) AS "cursor" FROM "MessageChange" WHERE "roomId" = ?`);
    this.touched = this.connection.prepare(`${MESSAGE_SELECT}
      WHERE m."id" IN (SELECT DISTINCT "messageId" FROM "MessageChange" WHERE "roomId" = ? AND "cseq" > ? LIMIT ?)
      ORDER BY m."seq" ASC`);
    this.ref = this.connection.prepare(`${REF_SELECT} WHERE m."id" = ?`);
    // Messages noted for the search index and not indexed (written while no writer ran: a
    // script, an import): the writer indexes them at its start, so it starts now rather than
    // at the first append (a search reads the notes meanwhile, slower the more there are).
    if ((this.connection.prepare(ANY_NOTED).get() as { any: number }).any === 1) this.writer.start();
  }

  /** Messages with their reactions and their replies' quotes attached. */
  private withReactions(rows: MessageRow[]): ChatMessage[] {
    if (rows.length === 0) return [];
    const reactions = groupReactions(this.reactionsOf.all(JSON.stringify(rows.map((r) => r.id))) as ReactionRow[]);
    const replyIds = rows.map((r) => r.replyToId).filter((id): id is string => !!id);
    const quotes = replyIds.length > 0 ? quotesOf(this.originalsOf.all(JSON.stringify(replyIds)) as OriginalRow[]) : undefined;
    return rows.map((r) => toMessage(r, reactions.get(r.id), r.replyToId ? quotes?.get(r.replyToId) : undefined));
  }

  async changesAfter(roomId: string, after: number, limit: number): Promise<MessageChange[]> {
    return (this.changes.all(roomId, after, limit) as ChangeRow[]).map(toChange);
  }

  async changedSince(roomId: string, after: number, limit: number): Promise<{ messages: ChatMessage[]; more: boolean }> {
    const rows = this.touched.all(roomId, after, limit + 1) as MessageRow[];
    return { messages: this.withReactions(rows.slice(0, limit)), more: rows.length > limit };
  }

  async changeCursor(roomId: string): Promise<number> {
    return (this.cursor.get(roomId) as { cursor: number }).cursor;
  }

  async findMessage(messageId: string): Promise<MessageRef | null> {
    const row = this.ref.get(messageId) as RefRow | undefined;
    return row ? toRef(row) : null;
  }

  /** Up to `limit` messages before `before` (the latest without it), oldest first. */
  async pageBefore(roomId: string, before: number | undefined, limit: number): Promise<ChatMessage[]> {
    const rows = (before === undefined ? this.latest.all(roomId, limit) : this.before.all(roomId, before, limit)) as MessageRow[];
    return this.withReactions(rows.reverse());
  }

  /** The cursor, then the page: both synchronous reads on this connection, one after the other. */
  async joinPage(roomId: string, after: number | undefined, limit: number): Promise<{ changeCursor: number; messages: ChatMessage[] }> {
    const changeCursor = await this.changeCursor(roomId);
    return { changeCursor, messages: await (after === undefined ? this.pageBefore(roomId, undefined, limit) : this.pageAfter(roomId, after, limit)) };
  }

  /** Up to `limit` messages after `after`, oldest first. */
  async pageAfter(roomId: string, after: number, limit: number): Promise<ChatMessage[]> {
    return this.withReactions(this.after.all(roomId, after, limit) as MessageRow[]);
  }

  append(m: NewMessage): Promise<AppendResult> {
    if (this.writer.closed) return Promise.reject(this.writer.closed);
    return new Promise((resolve, reject) => {
      const id = this.writer.wait({ resolve, reject, m });
      // The writes of one turn of the event loop travel to the writer together.
      if (this.outgoing.push({ id, m }) === 1) setImmediate(() => this.send());
    });
  }

  /** A change, written by the same writer as appends (one order of commits, off the loop). */
  applyChange(c: NewChange): Promise<ChangeResult | null> {
    if (this.writer.closed) return Promise.reject(this.writer.closed);
    return new Promise((resolve, reject) => {
      const id = this.writer.wait({ resolve, reject, c });
      if (this.outgoing.push({ id, c }) === 1) setImmediate(() => this.send());
    });
  }

  /** Stops the writer thread (what it holds fails) and releases the read connection. */
  async close(): Promise<void> {
    this.writer.close(new Error("the message store is closed"));
    this.releaseReads();
  }

  private send() {
    const batch = this.outgoing;
    this.outgoing = [];
    if (batch.length === 0 || this.writer.closed) return;
    this.writer.post(batch);
  }

  private settle(reply: Reply) {
    const p = this.writer.take(reply.id);
    if (!p) return;
    if ("error" in reply) {
      p.reject(Object.assign(new Error(reply.error.message), reply.error.code ? { code: reply.error.code } : {}));
      return;
    }
    if ("c" in p) {
      if (!("changed" in reply)) return p.reject(new Error("the writer answered a change with an append's reply"));
      p.resolve(reply.changed ? { change: toChange(reply.changed), duplicate: reply.changed.id !== p.c.id } : null);
      return;
    }
    const { m } = p;
    if ("changed" in reply) {
      p.reject(new Error("the writer answered an append with a change's reply"));
    } else if ("inserted" in reply) {
      const message: ChatMessage = {
        id: m.id,
        roomId: m.roomId,
        seq: reply.inserted,
        clientId: m.clientId,
        body: m.body,
        createdAt: new Date(reply.createdAt).toISOString(),
        author: m.author,
        ...(m.attachments?.length ? { attachments: m.attachments } : {}),
      };
      p.resolve({ duplicate: false, message });
    } else {
      p.resolve({ duplicate: true, message: toMessage(reply.existing) });
    }
  }
}
