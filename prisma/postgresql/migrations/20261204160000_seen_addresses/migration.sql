-- CreateTable
CREATE TABLE "SeenAddress" (
    "userId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SeenAddress_pkey" PRIMARY KEY ("userId","address")
);

-- CreateTable
CREATE TABLE "AddressBlock" (
    "address" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "until" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AddressBlock_pkey" PRIMARY KEY ("address","userId")
);

-- CreateIndex
CREATE INDEX "SeenAddress_lastSeenAt_idx" ON "SeenAddress"("lastSeenAt");

-- CreateIndex
CREATE INDEX "AddressBlock_userId_idx" ON "AddressBlock"("userId");

-- AddForeignKey
ALTER TABLE "SeenAddress" ADD CONSTRAINT "SeenAddress_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AddressBlock" ADD CONSTRAINT "AddressBlock_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

