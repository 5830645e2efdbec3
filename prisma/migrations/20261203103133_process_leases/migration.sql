-- AlterTable
ALTER TABLE "OptimizationRun" ADD COLUMN "ownerId" TEXT;
ALTER TABLE "OptimizationRun" ADD COLUMN "stopReason" TEXT;

-- AlterTable
ALTER TABLE "Run" ADD COLUMN "ownerId" TEXT;

-- CreateTable
CREATE TABLE "ProcessLease" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "hostname" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "heartbeatAt" DATETIME NOT NULL,
    "leaseMs" INTEGER NOT NULL
);

-- CreateIndex
CREATE INDEX "ProcessLease_heartbeatAt_idx" ON "ProcessLease"("heartbeatAt");

-- CreateIndex
CREATE INDEX "Run_status_idx" ON "Run"("status");
