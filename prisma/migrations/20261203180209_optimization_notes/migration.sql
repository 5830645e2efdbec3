-- AlterTable
ALTER TABLE "OptimizationRun" ADD COLUMN "notes" TEXT;
