// Message searches on SQLite, on a thread of their own (plain JavaScript, so that it loads the
// same way under tsx, Vitest and Node): a search that walks a long list of matches takes
// milliseconds, and on the server's event loop it would hold every socket meanwhile.
// search.repository.ts posts { id, request } and gets { id, rows } or { id, error } back.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { searchStatement } from "./sqlite-search.sql.mjs";

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

parentPort.on("message", ({ id, request }) => {
  try {
    const { sql, params } = searchStatement(request);
    parentPort.postMessage({ id, rows: prepare(sql).all(...params) });
  } catch (err) {
    parentPort.postMessage({ id, error: { message: err?.message ?? String(err), code: err?.code } });
  }
});
