import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDataset } from "../../engine/index.js";
import { createAppServices, type AppServices } from "./app.js";

const QA_FILE = path.join(import.meta.dirname, "../../examples/qa.dataset.jsonl");
const config = { targets: ["answer"], strategy: "random" as const, objectives: [{ metric: "grade", direction: "max" as const }], limits: { maxCandidates: 4 }, seed: 2 };

let dir: string;
let app: AppServices;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-optsvc-"));
  // One worker: the second optimization waits in the queue.
  app = await createAppServices({ databaseUrl: `file:${path.join(dir, "o.db")}`, latencyScale: 0.05, seedExamples: true, jobConcurrency: 1 });
  await app.datasets.importDataset({ name: "qa", fileName: "qa.dataset.jsonl", text: readFileSync(QA_FILE, "utf8") });
});

afterAll(async () => {
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("OptimizationService", () => {
  it("execute runs in the foreground (the CLI path) and saves the front as versions", async () => {
    const rows = parseDataset(QA_FILE, readFileSync(QA_FILE, "utf8"));
    const { result, versions } = await app.optimizer.execute({ workflowId: "qa", config, rows });
    expect(result.status).toBe("completed");
    expect(versions.length).toBe(result.pareto.length);
    expect((await app.optimizations.getRun(result.runId))?.status).toBe("completed");
  });

  it("a queued optimization cancelled before it starts is recorded as cancelled and can be resumed", async () => {
    const a = await app.optimizer.start({ workflowId: "qa", config, dataset: "qa" });
    const b = await app.optimizer.start({ workflowId: "qa", config, dataset: "qa" });
    expect(app.jobs.active().map((j) => j.state)).toEqual(["running", "queued"]);
    expect(await app.optimizer.cancel(b.runId)).toEqual({ cancelled: true, status: "cancelled" });
    const progress = [];
    for await (const e of await app.optimizer.progress(b.runId)) progress.push(e.status);
    expect(progress).toEqual(["running", "cancelled"]);
    await app.optimizer.resume(b.runId);
    await app.jobs.drain();
    for (const id of [a.runId, b.runId]) expect((await app.optimizer.get(id))?.status).toBe("completed");
  });
});
