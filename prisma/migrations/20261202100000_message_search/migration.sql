-- Full-text search over messages (server/store/prisma/search.repository.ts).
--
-- An FTS5 index whose content is the "Message" table itself (nothing stored twice), kept in
-- step by triggers in the same transaction as the insert, edit or deletion that changes a
-- message: a search never finds an edited message's old text or a deleted one's.
--
-- Tokenizer: trigram. Every run of three characters is indexed, so a search finds any
-- substring of three characters or more: parts of URLs ("example.com/docs"), code
-- identifiers ("useEffect", "snake_case", "std::vector"), words inside longer words, and any
-- script, including those written without spaces between words (Chinese, Japanese, Thai),
-- which a word tokenizer (unicode61) indexes as one long token each. It costs a larger
-- index than words do; PostgreSQL uses trigrams too (pg_trgm), so both databases find the
-- same messages. Case is ignored (diacritics are not: "cafe" does not find "café", as on PostgreSQL
-- without unaccent).
CREATE VIRTUAL TABLE "MessageSearch" USING fts5(
  "body",
  content = 'Message',
  content_rowid = 'rowid',
  tokenize = 'trigram case_sensitive 0',
  -- No per-message row of column sizes: they serve only bm25 ranking, and results are
  -- ordered newest first. One B-tree write less per message.
  columnsize = 0
);

INSERT INTO "MessageSearch" ("rowid", "body") SELECT "rowid", "body" FROM "Message" WHERE "deletedAt" IS NULL;

CREATE TRIGGER "Message_search_insert" AFTER INSERT ON "Message" WHEN new."deletedAt" IS NULL BEGIN
  INSERT INTO "MessageSearch" ("rowid", "body") VALUES (new."rowid", new."body");
END;

CREATE TRIGGER "Message_search_delete" AFTER DELETE ON "Message" WHEN old."deletedAt" IS NULL BEGIN
  INSERT INTO "MessageSearch" ("MessageSearch", "rowid", "body") VALUES ('delete', old."rowid", old."body");
END;

CREATE TRIGGER "Message_search_update" AFTER UPDATE OF "body", "deletedAt" ON "Message" BEGIN
  INSERT INTO "MessageSearch" ("MessageSearch", "rowid", "body") SELECT 'delete', old."rowid", old."body" WHERE old."deletedAt" IS NULL;
  INSERT INTO "MessageSearch" ("rowid", "body") SELECT new."rowid", new."body" WHERE new."deletedAt" IS NULL;
END;
