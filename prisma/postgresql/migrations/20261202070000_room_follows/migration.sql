-- CreateTable
CREATE TABLE "RoomFollow" (
    "userId" TEXT NOT NULL,
    "roomId" TEXT NOT NULL,
    "readSeq" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RoomFollow_pkey" PRIMARY KEY ("userId","roomId")
);

-- CreateIndex
CREATE INDEX "RoomFollow_roomId_idx" ON "RoomFollow"("roomId");

-- AddForeignKey
ALTER TABLE "RoomFollow" ADD CONSTRAINT "RoomFollow_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoomFollow" ADD CONSTRAINT "RoomFollow_roomId_fkey" FOREIGN KEY ("roomId") REFERENCES "Room"("id") ON DELETE CASCADE ON UPDATE CASCADE;

