-- Web Push subscriptions belong to the session that made them (sign-out ends them). Those made
-- before are not kept (which session made them is not known): each browser subscribes again
-- at its next connection.
DELETE FROM "PushSubscription";

-- AlterTable
ALTER TABLE "PushSubscription" ADD COLUMN     "sessionId" TEXT NOT NULL;

-- CreateIndex
CREATE INDEX "PushSubscription_sessionId_idx" ON "PushSubscription"("sessionId");

-- AddForeignKey
ALTER TABLE "PushSubscription" ADD CONSTRAINT "PushSubscription_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;

