-- Full-text search over messages (server/store/prisma/search.repository.ts): trigram
-- matching (pg_trgm), as on SQLite (FTS5's trigram tokenizer), so that both databases find
-- the same messages: any substring of the text, case ignored, in any script. The index is
-- part of the table, so an edit or a deletion changes what is found in the same commit.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX "Message_body_trgm_idx" ON "Message" USING gin ("body" gin_trgm_ops) WHERE "deletedAt" IS NULL;
