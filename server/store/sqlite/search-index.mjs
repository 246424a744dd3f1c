// The SQLite search index's upkeep (migration `*_message_search_deferred`), in plain
// JavaScript: the writer thread (writer.worker.mjs) runs it shortly after its commits, and
// seeds and tests run it to index what they wrote.
//
// An insert into "Message" only notes its rowid in "MessageSearchPending"; `indexNoted`
// writes the noted messages' current text into the FTS5 table (none if deleted meanwhile)
// and drops their notes, in one transaction: one FTS5 segment for all of them, where indexing
// in each append's commit wrote one segment per commit and merged them again and again.

/** Whether any message waits for the index: one row, `any` 1 or 0. */
export const ANY_NOTED = `SELECT EXISTS (SELECT 1 FROM "MessageSearchPending") AS "any"`;

/**
 * Prepares the upkeep on a better-sqlite3 connection that may write.
 * @param {import("better-sqlite3").Database} sqlite
 */
export function searchIndexUpkeep(sqlite) {
  // The oldest `limit` notes (-1: all), the same set in both statements of one transaction.
  const oldest = `SELECT "rowid" FROM "MessageSearchPending" ORDER BY "rowid" LIMIT ?`;
  const insert = sqlite.prepare(`
    INSERT INTO "MessageSearch" ("rowid", "body")
    SELECT m."rowid", m."body" FROM (${oldest}) p JOIN "Message" m ON m."rowid" = p."rowid"
    WHERE m."deletedAt" IS NULL ORDER BY m."rowid"`);
  const clear = sqlite.prepare(`DELETE FROM "MessageSearchPending" WHERE "rowid" IN (${oldest})`);
  const any = sqlite.prepare(ANY_NOTED);
  const totalChanges = sqlite.prepare(`SELECT total_changes() AS "n"`);
  /** One prepared 'merge' command per page count (FTS5 takes it as a literal). */
  const merges = new Map();
  const mergeOf = (pages) => {
    let statement = merges.get(pages);
    if (!statement) merges.set(pages, (statement = sqlite.prepare(`INSERT INTO "MessageSearch" ("MessageSearch", "rank") VALUES ('merge', ${pages})`)));
    return statement;
  };
  const index = sqlite.transaction((limit) => {
    insert.run(limit);
    return clear.run(limit).changes;
  });
  return {
    /** Whether any message waits for the index. */
    anyNoted: () => any.get().any === 1,
    /**
     * Indexes the oldest `limit` noted messages (all by default), in one transaction
     * (IMMEDIATE: it reads, then writes, while other connections may write). Returns how
     * many notes it took (deleted messages' included).
     */
    indexNoted: (limit = -1) => index.immediate(limit),
    /**
     * Merges FTS5's segments by at most `pages` pages, in a transaction of its own (the
     * table's `automerge` is 0 since migration `*_search_merge_slices`: merging inside an
     * index step held the writer for up to 315 ms; docs/performance.md, run Z). Returns
     * whether it did any work (FTS5 says so by changing fewer than 2 rows when it did not).
     */
    mergeSlice: (pages) => {
      const before = totalChanges.get().n;
      const merge = mergeOf(Math.max(1, Math.trunc(pages)));
      sqlite.transaction(() => merge.run()).immediate();
      return totalChanges.get().n - before >= 2;
    },
  };
}

/** Statements that stop the search index's upkeep (its tables stay: Parley's threads prepare statements on them). */
export const DROP_SEARCH_TRIGGERS = ["Message_search_insert", "Message_search_delete", "Message_search_update"].map((t) => `DROP TRIGGER IF EXISTS "${t}"`);

/**
 * Statements that take the search index out of a Parley database: for the bench's reference
 * servers, which keep messages without one.
 */
export const DROP_SEARCH_INDEX = [...DROP_SEARCH_TRIGGERS, `DROP TABLE IF EXISTS "MessageSearchPending"`, `DROP TABLE IF EXISTS "MessageSearch"`];
