-- AlterTable
ALTER TABLE "User" ADD COLUMN     "role" TEXT NOT NULL DEFAULT 'member';

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "deletedById" TEXT;

-- CreateTable
CREATE TABLE "RoomModerator" (
    "roomId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "appointedById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RoomModerator_pkey" PRIMARY KEY ("roomId","userId")
);

-- CreateTable
CREATE TABLE "InstanceSetting" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InstanceSetting_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "RoomModerator_userId_idx" ON "RoomModerator"("userId");

-- AddForeignKey
ALTER TABLE "RoomModerator" ADD CONSTRAINT "RoomModerator_roomId_fkey" FOREIGN KEY ("roomId") REFERENCES "Room"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoomModerator" ADD CONSTRAINT "RoomModerator_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- An instance that has accounts already: its first account is its first administrator.
UPDATE "User" SET "role" = 'admin'
WHERE "id" = (SELECT "id" FROM "User" WHERE NOT "isAnonymous" ORDER BY "createdAt", "id" LIMIT 1);
INSERT INTO "InstanceSetting" ("key", "value", "updatedAt")
SELECT 'firstAdmin', "id", CURRENT_TIMESTAMP FROM "User" WHERE "role" = 'admin';
