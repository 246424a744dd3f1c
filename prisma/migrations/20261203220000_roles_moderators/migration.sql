-- AlterTable
ALTER TABLE "Message" ADD COLUMN "deletedById" TEXT;

-- CreateTable
CREATE TABLE "RoomModerator" (
    "roomId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "appointedById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("roomId", "userId"),
    CONSTRAINT "RoomModerator_roomId_fkey" FOREIGN KEY ("roomId") REFERENCES "Room" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "RoomModerator_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "InstanceSetting" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- AlterTable (a column with a default: no need to rebuild the table)
ALTER TABLE "User" ADD COLUMN "role" TEXT NOT NULL DEFAULT 'member';

-- CreateIndex
CREATE INDEX "RoomModerator_userId_idx" ON "RoomModerator"("userId");

-- An instance that has accounts already: its first account is its first administrator.
UPDATE "User" SET "role" = 'admin'
WHERE "id" = (SELECT "id" FROM "User" WHERE NOT "isAnonymous" ORDER BY "createdAt", "id" LIMIT 1);
INSERT INTO "InstanceSetting" ("key", "value", "updatedAt")
SELECT 'firstAdmin', "id", CURRENT_TIMESTAMP FROM "User" WHERE "role" = 'admin';
