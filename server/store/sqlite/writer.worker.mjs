// The SQLite append writer, on a worker thread (plain JavaScript, so that it loads the same
// way under tsx, Vitest and Node). messages.ts posts it appends; it writes those
// that arrive together in one transaction (group commit) and posts back one reply per
// batch, after the commit. Its synchronous statements and the commit's fsync block this
// thread, never the server's event loop.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { changeStatements } from "../sql/message-changes.sql.mjs";
import { searchIndexUpkeep } from "./search-index.mjs";

/** The most appends one transaction takes. */
const MAX_BATCH = 512;

/**
 * How long after a commit the messages it noted for the search index are indexed, all
 * together (migration `*_message_search_deferred`): at 200 messages/s, one FTS5 segment
 * for ~40 messages instead of one per commit. A search is exact meanwhile (search.worker.mjs).
 */
const SEARCH_INDEX_DELAY_MS = 200;
/**
 * The most notes one index transaction takes: a backlog (messages written while no server
 * ran, an import) is indexed in steps, appends going in between.
 */
const SEARCH_INDEX_BATCH = 2_000;
/**
 * FTS5 merges its segments in slices of this many pages after each step, one slice per turn
 * of this thread's event loop, only while no append waits (a slice: ~20 ms at most here).
 */
const MERGE_PAGES = 16;

const sqlite = new Database(workerData.file);
sqlite.pragma("journal_mode = WAL");
sqlite.pragma("synchronous = FULL");
sqlite.pragma("foreign_keys = ON");
// Waiting for the write lock (held by Prisma's connection) blocks only this thread.
sqlite.pragma(`busy_timeout = ${workerData.busyTimeoutMs ?? 5000}`);

const insert = sqlite.prepare(`
  INSERT INTO "Message" ("id", "roomId", "seq", "authorId", "clientId", "body", "createdAt", "replyToId", "attachments")
  SELECT ?, ?, COALESCE(MAX("seq"), 0) + 1, ?, ?, ?, ?, ?, ? FROM "Message" WHERE "roomId" = ?
  ON CONFLICT ("authorId", "clientId") DO NOTHING
  RETURNING "seq"`);
// The author has read up to their own message (if they follow the room), in the same commit.
// The message's files are linked to it in its commit: each must still be its author's and free.
const link = sqlite.prepare(`
  UPDATE "StoredFile" SET "messageId" = ?, "roomId" = ?
  WHERE "id" = ? AND "ownerId" = ? AND "messageId" IS NULL AND "deletedAt" IS NULL`);
const readOwn = sqlite.prepare(`UPDATE "RoomFollow" SET "readSeq" = ? WHERE "userId" = ? AND "roomId" = ? AND "readSeq" < ?`);
const existing = sqlite.prepare(`
  SELECT m."id", m."roomId", m."seq", m."clientId", m."body", m."createdAt", m."authorId", u."name" AS "authorName", u."image" AS "authorImage",
         m."editedAt", m."deletedAt", m."deletedById", m."replyToId", m."attachments"
  FROM "Message" m JOIN "User" u ON u."id" = m."authorId"
  WHERE m."authorId" = ? AND m."clientId" = ?`);

const searchIndex = searchIndexUpkeep(sqlite);

let indexTimer = null;
function scheduleIndex(delay = SEARCH_INDEX_DELAY_MS) {
  if (indexTimer) return;
  indexTimer = setTimeout(() => {
    indexTimer = null;
    // Nothing noted: segments written by edits and deletions (their triggers) may still merge.
    if (!searchIndex.anyNoted()) return void setImmediate(mergeSlices);
    let more = false;
    const started = performance.now();
    try {
      // Derived data, so without its own fsync: if power fails before the next commit's
      // fsync, this transaction is lost whole (the index's rows and the removal of the
      // notes), and the notes are indexed again.
      sqlite.pragma("synchronous = NORMAL");
      const messages = searchIndex.indexNoted(SEARCH_INDEX_BATCH);
      more = searchIndex.anyNoted();
      parentPort.postMessage({ searchIndex: { messages, ms: performance.now() - started } });
    } catch (err) {
      // Busy or failing: the notes stay, and are indexed after the next commit. A search
      // reads them beside the index meanwhile, so nothing is missed; the server hears of it
      // (a log line, a metric), since a failure that lasts makes every search slower.
      parentPort.postMessage({ searchIndex: { ...failure(err), ms: performance.now() - started } });
    } finally {
      sqlite.pragma("synchronous = FULL");
    }
    if (more) scheduleIndex(0);
    else setImmediate(mergeSlices);
  }, delay);
  // The thread may stop meanwhile (the notes are kept on disk for the next writer).
  indexTimer.unref();
}

/** FTS5's merges, a slice at a time, until there is nothing to merge or an append waits. */
function mergeSlices() {
  // Appends first: the next flush schedules the upkeep again, merges after it.
  if (scheduled || queue.length > 0 || indexTimer) return;
  let more = false;
  try {
    sqlite.pragma("synchronous = NORMAL");
    more = searchIndex.mergeSlice(MERGE_PAGES);
  } catch (err) {
    // Busy or failing: merged after the next step (searches read more segments meanwhile).
    parentPort.postMessage({ searchIndex: { ...failure(err), ms: 0, merge: true } });
  } finally {
    sqlite.pragma("synchronous = FULL");
  }
  if (more) setImmediate(mergeSlices);
}

/** Timestamps as Prisma's better-sqlite3 adapter writes them (its default "iso8601" format). */
const sqliteTimestamp = (ms) => new Date(ms).toISOString().replace("Z", "+00:00");

/**
 * Each author's latest append per room in a batch, to move their read positions once per
 * batch (one statement per author and room, not per message), in the same transaction.
 */
let authored = null;

/** One append: { inserted: seq } or { existing: row } (a repeated clientId). */
function write(m, createdAt) {
  const attachments = m.attachments?.length ? m.attachments : null;
  const row = insert.get(m.id, m.roomId, m.author.id, m.clientId, m.body, sqliteTimestamp(createdAt), m.replyToId ?? null, attachments && JSON.stringify(attachments), m.roomId);
  if (row) {
    for (const file of attachments ?? []) {
      // Taken meanwhile by another message: this append fails (alone: see flush).
      if (link.run(m.id, m.roomId, file.id, m.author.id).changes !== 1) throw Object.assign(new Error("a file of this message is attached to another one"), { code: "FILE_TAKEN" });
    }
    const key = `${m.author.id}\u0000${m.roomId}`;
    if (authored) authored.set(key, Math.max(authored.get(key) ?? 0, row.seq));
    else readOwn.run(row.seq, m.author.id, m.roomId, row.seq);
    return { inserted: row.seq, createdAt };
  }
  const e = existing.get(m.author.id, m.clientId);
  if (!e) throw new Error(`message ${m.clientId} was neither inserted nor found`);
  return { existing: e };
}

/** Prepared once per distinct statement (there are a handful: one set per kind of change). */
const prepared = new Map();
const prepare = (sql) => {
  let statement = prepared.get(sql);
  if (!statement) prepared.set(sql, (statement = sqlite.prepare(sql)));
  return statement;
};

/** One change: { changed: row } (new or stored earlier), or { changed: null } (its condition failed). */
function change(c, createdAt) {
  const { apply, read } = changeStatements("sqlite", c, sqliteTimestamp(createdAt));
  for (const { sql, params } of apply) prepare(sql).run(...params);
  return { changed: prepare(read.sql).get(...read.params) ?? null };
}

/** An append ({ m }) or a change ({ c }). */
const perform = (request, createdAt) => (request.c ? change(request.c, createdAt) : write(request.m, createdAt));

const failure = (err) => ({ error: { message: err?.message ?? String(err), code: err?.code } });

let queue = [];
let scheduled = false;

function flush() {
  scheduled = false;
  while (queue.length > 0) {
    const batch = queue.splice(0, MAX_BATCH);
    const createdAt = Date.now();
    let replies;
    try {
      replies = sqlite.transaction(() => {
        authored = new Map();
        try {
          const answers = batch.map((b) => ({ id: b.id, ...perform(b, createdAt) }));
          for (const [key, seq] of authored) {
            const [userId, roomId] = key.split("\u0000");
            readOwn.run(seq, userId, roomId, seq);
          }
          return answers;
        } finally {
          authored = null;
        }
      })();
    } catch {
      // One at a time: each fails or succeeds on its own.
      replies = batch.map((b) => {
        try {
          return { id: b.id, ...sqlite.transaction(() => perform(b, Date.now()))() };
        } catch (err) {
          return { id: b.id, ...failure(err) };
        }
      });
    }
    parentPort.postMessage(replies);
  }
  scheduleIndex();
}

// Notes left by an earlier writer, or by writes made elsewhere (a script, an import).
if (searchIndex.anyNoted()) scheduleIndex(0);

// Each message is an array of { id, m } (an append) or { id, c } (a change): the writes of
// one turn of the server's event loop.
parentPort.on("message", (requests) => {
  queue.push(...requests);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
});
