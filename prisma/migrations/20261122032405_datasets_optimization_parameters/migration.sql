-- CreateTable
CREATE TABLE "Dataset" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "rowCount" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "DatasetRow" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "datasetId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "data" TEXT NOT NULL,
    CONSTRAINT "DatasetRow_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "OptimizationRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workflowId" TEXT NOT NULL,
    "workflowVersion" INTEGER,
    "targetNodeIds" TEXT NOT NULL,
    "datasetId" TEXT,
    "config" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "baseline" TEXT,
    "best" TEXT,
    "pareto" TEXT,
    "tokensSpent" INTEGER NOT NULL DEFAULT 0,
    "costSpent" REAL NOT NULL DEFAULT 0,
    "llmCalls" INTEGER NOT NULL DEFAULT 0,
    "startedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME,
    "error" TEXT,
    "ownerPid" INTEGER,
    CONSTRAINT "OptimizationRun_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Candidate" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "runId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "generation" INTEGER NOT NULL DEFAULT 0,
    "parentIds" TEXT NOT NULL,
    "params" TEXT NOT NULL,
    "paramsChecksum" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "rejectReason" TEXT,
    "split" TEXT NOT NULL,
    "perExample" TEXT,
    "metrics" TEXT,
    "objectives" TEXT,
    "tokens" INTEGER NOT NULL DEFAULT 0,
    "costUsd" REAL NOT NULL DEFAULT 0,
    "llmCalls" INTEGER NOT NULL DEFAULT 0,
    "latencyMs" REAL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Candidate_runId_fkey" FOREIGN KEY ("runId") REFERENCES "OptimizationRun" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ParameterVersion" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "workflowId" TEXT NOT NULL,
    "nodeId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "params" TEXT NOT NULL,
    "checksum" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "metrics" TEXT,
    "datasetId" TEXT,
    "optimizationRunId" TEXT,
    "sourceCandidateId" INTEGER,
    "workflowVersion" INTEGER,
    "actor" TEXT NOT NULL,
    "note" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ProductionPointer" (
    "workflowId" TEXT NOT NULL,
    "nodeId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("workflowId", "nodeId")
);

-- CreateTable
CREATE TABLE "ProductionMove" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "workflowId" TEXT NOT NULL,
    "nodeId" TEXT NOT NULL,
    "fromVersion" INTEGER,
    "toVersion" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "workflowId" TEXT NOT NULL,
    "nodeId" TEXT,
    "action" TEXT NOT NULL,
    "beforeVersion" INTEGER,
    "afterVersion" INTEGER,
    "actor" TEXT NOT NULL,
    "reason" TEXT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "details" TEXT
);

-- CreateIndex
CREATE INDEX "Dataset_name_hash_idx" ON "Dataset"("name", "hash");

-- CreateIndex
CREATE UNIQUE INDEX "Dataset_name_version_key" ON "Dataset"("name", "version");

-- CreateIndex
CREATE UNIQUE INDEX "DatasetRow_datasetId_index_key" ON "DatasetRow"("datasetId", "index");

-- CreateIndex
CREATE INDEX "OptimizationRun_workflowId_startedAt_idx" ON "OptimizationRun"("workflowId", "startedAt" DESC);

-- CreateIndex
CREATE INDEX "OptimizationRun_startedAt_idx" ON "OptimizationRun"("startedAt" DESC);

-- CreateIndex
CREATE INDEX "OptimizationRun_status_idx" ON "OptimizationRun"("status");

-- CreateIndex
CREATE INDEX "Candidate_runId_split_index_idx" ON "Candidate"("runId", "split", "index");

-- CreateIndex
CREATE UNIQUE INDEX "Candidate_runId_index_split_key" ON "Candidate"("runId", "index", "split");

-- CreateIndex
CREATE INDEX "ParameterVersion_workflowId_nodeId_checksum_idx" ON "ParameterVersion"("workflowId", "nodeId", "checksum");

-- CreateIndex
CREATE UNIQUE INDEX "ParameterVersion_workflowId_nodeId_version_key" ON "ParameterVersion"("workflowId", "nodeId", "version");

-- CreateIndex
CREATE INDEX "ProductionMove_workflowId_nodeId_id_idx" ON "ProductionMove"("workflowId", "nodeId", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_workflowId_id_idx" ON "AuditEvent"("workflowId", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_workflowId_nodeId_id_idx" ON "AuditEvent"("workflowId", "nodeId", "id");
