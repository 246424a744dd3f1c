-- The search index leaves the append's commit (issue 31; docs/performance.md run Y).
--
-- Until now every insert wrote its trigrams into "MessageSearch" in the append's own
-- transaction: one FTS5 segment per commit, merged again and again, on the writer thread,
-- before the acknowledgement. Now an insert only notes its rowid in "MessageSearchPending"
-- (one small B-tree insert), and the writer thread indexes the noted messages in one
-- transaction shortly after (server/store/sqlite/writer.worker.mjs: at most
-- SEARCH_INDEX_DELAY_MS later; one segment for all of them).
--
-- A search is exact meanwhile: it reads the pending messages' current rows beside the index
-- and checks their text itself (search.worker.mjs), in the same read transaction. An edit or
-- a deletion of a message that is still pending leaves the index alone (FTS5's external
-- content "delete" must be given the text that was indexed, and nothing was): the indexer
-- reads the row as it is then, and skips it if it was deleted.
CREATE TABLE "MessageSearchPending" ("rowid" INTEGER NOT NULL PRIMARY KEY);

DROP TRIGGER "Message_search_insert";
DROP TRIGGER "Message_search_delete";
DROP TRIGGER "Message_search_update";

CREATE TRIGGER "Message_search_insert" AFTER INSERT ON "Message" BEGIN
  INSERT OR IGNORE INTO "MessageSearchPending" ("rowid") VALUES (new."rowid");
END;

CREATE TRIGGER "Message_search_delete" AFTER DELETE ON "Message" BEGIN
  INSERT INTO "MessageSearch" ("MessageSearch", "rowid", "body") SELECT 'delete', old."rowid", old."body"
    WHERE old."deletedAt" IS NULL AND NOT EXISTS (SELECT 1 FROM "MessageSearchPending" WHERE "rowid" = old."rowid");
  DELETE FROM "MessageSearchPending" WHERE "rowid" = old."rowid";
END;

CREATE TRIGGER "Message_search_update" AFTER UPDATE OF "body", "deletedAt" ON "Message"
  WHEN NOT EXISTS (SELECT 1 FROM "MessageSearchPending" WHERE "rowid" = old."rowid") BEGIN
  INSERT INTO "MessageSearch" ("MessageSearch", "rowid", "body") SELECT 'delete', old."rowid", old."body" WHERE old."deletedAt" IS NULL;
  INSERT INTO "MessageSearch" ("rowid", "body") SELECT new."rowid", new."body" WHERE new."deletedAt" IS NULL;
END;
