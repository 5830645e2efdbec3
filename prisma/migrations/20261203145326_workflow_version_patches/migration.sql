-- A version is stored whole ("full") or as a JSON patch against the previous version ("patch").
-- Existing rows stay full snapshots.
ALTER TABLE "WorkflowVersion" ADD COLUMN "encoding" TEXT NOT NULL DEFAULT 'full';
