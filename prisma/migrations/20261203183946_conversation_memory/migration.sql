-- CreateTable
CREATE TABLE "MemoryThread" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workflowId" TEXT NOT NULL,
    "nodeId" TEXT NOT NULL,
    "threadId" TEXT NOT NULL,
    "nextSeq" INTEGER NOT NULL DEFAULT 1,
    "summary" TEXT,
    "summaryVersion" INTEGER NOT NULL DEFAULT 0,
    "summaryThroughSeq" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "MemoryTurn" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "threadKey" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "role" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "runId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MemoryTurn_threadKey_fkey" FOREIGN KEY ("threadKey") REFERENCES "MemoryThread" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "MemoryThread_workflowId_updatedAt_idx" ON "MemoryThread"("workflowId", "updatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "MemoryThread_workflowId_nodeId_threadId_key" ON "MemoryThread"("workflowId", "nodeId", "threadId");

-- CreateIndex
CREATE UNIQUE INDEX "MemoryTurn_threadKey_seq_key" ON "MemoryTurn"("threadKey", "seq");
