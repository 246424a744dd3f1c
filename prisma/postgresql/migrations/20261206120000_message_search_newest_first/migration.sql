-- Search results come newest first, 20 to a page (server/store/postgres/search.ts). Through
-- the trigram index alone, a common word read every message that contains it before the
-- newest 21 could be sorted out: 328,000 rows and 360 ms for "deploy" over 1,000,000
-- messages. With the messages also in that order here, the planner walks them newest first
-- and stops at the 21st match for a common word (3.8 ms), and keeps the trigram index for a
-- rare one (3-4 ms) and for one room's messages (docs/performance.md, run AB).
-- Built in the migration's transaction, about 1 s per 1,000,000 messages, while appends wait.
CREATE INDEX "Message_newest_idx" ON "Message" ("createdAt" DESC, "id" DESC) WHERE "deletedAt" IS NULL;
