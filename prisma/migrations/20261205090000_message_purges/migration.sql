-- CreateTable
CREATE TABLE "MessagePurge" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "userName" TEXT NOT NULL,
    "actorId" TEXT,
    "actorName" TEXT NOT NULL,
    "removerId" TEXT NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',
    "state" TEXT NOT NULL DEFAULT 'pending',
    "cursor" TEXT NOT NULL DEFAULT '',
    "removed" INTEGER NOT NULL DEFAULT 0,
    "leaseOwner" TEXT,
    "leaseUntil" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME
);

-- CreateIndex
CREATE INDEX "MessagePurge_state_createdAt_idx" ON "MessagePurge"("state", "createdAt");

-- CreateIndex
CREATE INDEX "MessagePurge_userId_idx" ON "MessagePurge"("userId");

