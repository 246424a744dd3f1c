// Message searches on SQLite, on a thread of their own (plain JavaScript, so that it loads the
// same way under tsx, Vitest and Node): a search that walks a long list of matches takes
// milliseconds, and on the server's event loop it would hold every socket meanwhile.
// search.ts posts { id, request } and gets { id, rows } or { id, error } back.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { FEW_ROOMS, matches, mergeNewestFirst, scansRooms, scanStatement, searchStatement, usesIndex } from "./search.sql.mjs";

const sqlite = new Database(workerData.file);
sqlite.pragma("journal_mode = WAL");
sqlite.pragma("query_only = ON");
sqlite.pragma("busy_timeout = 1000");

/** One prepared statement per shape of query (how many terms of each kind, filters). */
const prepared = new Map();
const prepare = (sql) => {
  let statement = prepared.get(sql);
  if (!statement) {
    if (prepared.size > 200) prepared.clear();
    prepared.set(sql, (statement = sqlite.prepare(sql)));
  }
  return statement;
};

const latestSeq = sqlite.prepare(`SELECT COALESCE(MAX("seq"), 0) AS "n" FROM "Message" WHERE "roomId" = ?`);

/** A few small rooms (or the messages not yet indexed): newest first, checked here until the page is full. */
function scan(request, options) {
  const { sql, params } = scanStatement(request, options);
  const rows = [];
  for (const row of prepare(sql).iterate(...params)) {
    if (!matches(row.body, request.terms)) continue;
    rows.push(row);
    if (rows.length > request.limit) break;
  }
  return rows;
}

parentPort.on("message", ({ id, request }) => {
  try {
    const messagesIn = request.roomIds.length <= FEW_ROOMS ? request.roomIds.reduce((n, roomId) => n + latestSeq.get(roomId).n, 0) : Infinity;
    if (scansRooms(request, messagesIn)) {
      parentPort.postMessage({ id, rows: scan(request) });
      return;
    }
    const { sql, params } = searchStatement(request);
    if (!usesIndex(request)) {
      parentPort.postMessage({ id, rows: prepare(sql).all(...params) });
      return;
    }
    // The index and the messages it does not hold yet, in one snapshot: a message the writer
    // indexes meanwhile is in exactly one of the two.
    const rows = sqlite.transaction(() => mergeNewestFirst(prepare(sql).all(...params), scan(request, { pending: true }), request.limit))();
    parentPort.postMessage({ id, rows });
  } catch (err) {
    parentPort.postMessage({ id, error: { message: err?.message ?? String(err), code: err?.code } });
  }
});
