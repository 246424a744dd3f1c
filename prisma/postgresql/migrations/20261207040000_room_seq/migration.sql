-- The last message number, of each room, for the PostgreSQL writer (server/store/postgres/writer.ts).
-- An append of a batch of messages is one statement that moves this counter and inserts the
-- messages under the lock on its row, in its own transaction: one round trip where BEGIN, a lock,
-- the insert and COMMIT took three (docs/performance.md, run AI). The lock on this row is what
-- orders every writer of the room, on every node. The numbers it hands out stay gap-free
-- because the counter moves in the same transaction as the messages it numbers.
-- A row missing or behind (messages written around the writer, e.g. a bench seeding a
-- database) is mended by the locked path of the writer, which takes the greater of the counter
-- and the highest stored number.
CREATE TABLE "RoomSeq" (
    "roomId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    CONSTRAINT "RoomSeq_pkey" PRIMARY KEY ("roomId"),
    CONSTRAINT "RoomSeq_roomId_fkey" FOREIGN KEY ("roomId") REFERENCES "Room"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

INSERT INTO "RoomSeq" ("roomId", "seq") SELECT "roomId", MAX("seq") FROM "Message" GROUP BY "roomId";
