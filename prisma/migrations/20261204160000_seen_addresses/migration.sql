-- CreateTable
CREATE TABLE "SeenAddress" (
    "userId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "lastSeenAt" DATETIME NOT NULL,

    PRIMARY KEY ("userId", "address"),
    CONSTRAINT "SeenAddress_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AddressBlock" (
    "address" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "until" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("address", "userId"),
    CONSTRAINT "AddressBlock_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "SeenAddress_lastSeenAt_idx" ON "SeenAddress"("lastSeenAt");

-- CreateIndex
CREATE INDEX "AddressBlock_userId_idx" ON "AddressBlock"("userId");

