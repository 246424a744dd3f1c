import { Worker } from "node:worker_threads";
import type Database from "better-sqlite3";
import type { ChatMessage } from "../../contract/model";
import type { AppendResult, NewMessage } from "../repositories";
import { sharedReadConnection } from "./sqlite-reader";

interface Pending {
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
  m: NewMessage;
}

/** What the writer answers for one append (sqlite-writer.worker.mjs). */
type Reply = { id: number } & ({ inserted: number; createdAt: number } | { existing: MessageRow } | { error: { message: string; code?: string } });

type MessageRow = { id: string; roomId: string; seq: number; clientId: string; body: string; createdAt: string | number; authorId: string; authorName: string };

const toMessage = (r: MessageRow): ChatMessage => ({
  id: r.id,
  roomId: r.roomId,
  seq: r.seq,
  clientId: r.clientId,
  body: r.body,
  createdAt: new Date(r.createdAt).toISOString(),
  author: { id: r.authorId, name: r.authorName },
});


/**
 * Messages on SQLite: the hot path's append, and the pages read on every join and catch-up,
 * each on a better-sqlite3 connection of its own with prepared statements, without
 * Prisma's per-statement cost (~0.3 ms in its engine-less mode against ~15 µs here:
 * docs/performance.md).
 *
 * Appends go to a writer on a worker thread (sqlite-writer.worker.mjs) with group commit:
 * the appends made in one turn of the event loop travel in one message, the writer puts
 * those that reach it together in one transaction, one commit (one fsync under
 * synchronous=FULL), and each caller is answered after it. The fsync and the statements
 * run on the worker, so they do not stall the event loop that writes to the sockets. A
 * batch that fails is written again one append at a time there, so that one bad message
 * fails alone. If the worker dies, what it held fails and the next append starts another.
 *
 * Pages are read on this thread, on the shared read connection (sqlite-reader.ts; WAL:
 * readers never wait).
 */
export class SqliteMessages {
  private readonly sqlite: Database.Database;
  private readonly releaseReads: () => void;
  private readonly latest: Database.Statement;
  private readonly before: Database.Statement;
  private readonly after: Database.Statement;
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Pending>();
  private outgoing: Array<{ id: number; m: NewMessage }> = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly file: string) {
    const reads = sharedReadConnection(file);
    this.sqlite = reads.sqlite;
    this.releaseReads = reads.release;
    // Pages: one statement with the author's name joined, where Prisma runs two (the
    // messages, then their authors) at ~0.5 ms each; a rejoin reads two pages.
    const page = (where: string, order: "ASC" | "DESC") =>
      this.sqlite.prepare(`
        SELECT m."id", m."roomId", m."seq", m."clientId", m."body", m."createdAt", m."authorId", u."name" AS "authorName"
        FROM "Message" m JOIN "User" u ON u."id" = m."authorId"
        WHERE ${where} ORDER BY m."seq" ${order} LIMIT ?`);
    this.latest = page(`m."roomId" = ?`, "DESC");
    this.before = page(`m."roomId" = ? AND m."seq" < ?`, "DESC");
    this.after = page(`m."roomId" = ? AND m."seq" > ?`, "ASC");
  }

  /** Up to `limit` messages before `before` (the latest without it), oldest first. */
  pageBefore(roomId: string, before: number | undefined, limit: number): ChatMessage[] {
    const rows = (before === undefined ? this.latest.all(roomId, limit) : this.before.all(roomId, before, limit)) as MessageRow[];
    return rows.reverse().map(toMessage);
  }

  /** Up to `limit` messages after `after`, oldest first. */
  pageAfter(roomId: string, after: number, limit: number): ChatMessage[] {
    return (this.after.all(roomId, after, limit) as MessageRow[]).map(toMessage);
  }

  append(m: NewMessage): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error("the message store is closed"));
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.waiting.set(id, { resolve, reject, m });
      // The appends of one turn of the event loop travel to the writer together.
      if (this.outgoing.push({ id, m }) === 1) setImmediate(() => this.send());
    });
  }

  close(): void {
    this.closed = true;
    void this.worker?.terminate();
    this.worker = undefined;
    this.failAll(new Error("the message store is closed"));
    this.releaseReads();
  }

  private send() {
    const batch = this.outgoing;
    this.outgoing = [];
    if (batch.length === 0 || this.closed) return;
    const writer = this.writer();
    writer.ref(); // answers are due: keep the process alive until they come
    writer.postMessage(batch);
  }

  private writer(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL("./sqlite-writer.worker.mjs", import.meta.url), { workerData: { file: this.file } });
    worker.on("message", (replies: Reply[]) => {
      for (const reply of replies) this.settle(reply);
    });
    const lost = (err: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failAll(err);
    };
    worker.on("error", lost);
    worker.on("exit", (code) => lost(new Error(`the SQLite writer stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private settle(reply: Reply) {
    const p = this.waiting.get(reply.id);
    if (!p) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker?.unref(); // an idle writer does not hold the process
    const { m } = p;
    if ("error" in reply) {
      p.reject(Object.assign(new Error(reply.error.message), reply.error.code ? { code: reply.error.code } : {}));
    } else if ("inserted" in reply) {
      const message: ChatMessage = { id: m.id, roomId: m.roomId, seq: reply.inserted, clientId: m.clientId, body: m.body, createdAt: new Date(reply.createdAt).toISOString(), author: m.author };
      p.resolve({ duplicate: false, message });
    } else {
      p.resolve({ duplicate: true, message: toMessage(reply.existing) });
    }
  }

  /** Everything sent to a writer that is gone, and not yet answered, fails. */
  private failAll(err: Error) {
    for (const p of this.waiting.values()) p.reject(err);
    this.waiting.clear();
    this.outgoing = [];
  }
}
