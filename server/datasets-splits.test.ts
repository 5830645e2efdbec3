/**
 * datasets.splits through `createCaller` on real services: deterministic, counts that add up,
 * paging, and the same assignment the optimizer uses for its validation and test examples.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { isTrackedEnvelope } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "./router.js";
import { createContext } from "./trpc.js";
import { expectTRPCError, useTestApp } from "./test-app.js";

const QA_TEXT = readFileSync(path.join(import.meta.dirname, "../examples/qa.dataset.jsonl"), "utf8");
const QA_ROWS = QA_TEXT.split("\n").filter((l) => l.trim()).length;

const app = useTestApp("ds-splits", { latencyScale: 0 });

beforeAll(async () => {
  await app.caller.datasets.import({ name: "qa", fileName: "qa.dataset.jsonl", text: QA_TEXT });
});

type Splits = Awaited<ReturnType<ReturnType<typeof createCaller>["datasets"]["splits"]>>;

/** The split name of every row, all pages read with `limit`. */
async function allAssignments(input: { nameOrId: string; seed?: number; ratios?: { train: number; validation: number; test: number } }, limit: number): Promise<string[]> {
  const out: string[] = [];
  for (let offset = 0; ; offset += limit) {
    const page = await app.caller.datasets.splits({ ...input, offset, limit });
    page.assignments.forEach((a, i) => expect(a.index).toBe(offset + i));
    out.push(...page.assignments.map((a) => a.split));
    if (offset + limit >= page.rows) return out;
  }
}

function countsOf(splits: string[]): Record<string, number> {
  const c: Record<string, number> = { train: 0, validation: 0, test: 0 };
  for (const s of splits) c[s]++;
  return c;
}

describe("datasets.splits", () => {
  it("defaults to seed 0 and the optimizer's 0.4 / 0.3 / 0.3 ratios; counts add up to the rows", async () => {
    const s = await app.caller.datasets.splits({ nameOrId: "qa" });
    expect(s.rows).toBe(QA_ROWS);
    expect(s.seed).toBe(0);
    expect(s.ratios).toEqual({ train: 0.4, validation: 0.3, test: 0.3 });
    expect(s.counts.train + s.counts.validation + s.counts.test).toBe(QA_ROWS);
    expect(s.counts).toEqual({ train: 16, validation: 12, test: 12 });
    expect(s.assignments).toHaveLength(QA_ROWS);
    expect(countsOf(s.assignments.map((a) => a.split))).toEqual(s.counts);
  });

  it("is deterministic for a seed, differs across seeds, and pages agree with the whole", async () => {
    const a = await app.caller.datasets.splits({ nameOrId: "qa", seed: 7 });
    const b = await app.caller.datasets.splits({ nameOrId: "qa", seed: 7 });
    expect(b).toEqual(a);
    const c = await app.caller.datasets.splits({ nameOrId: "qa", seed: 8 });
    expect(c.counts).toEqual(a.counts);
    expect(c.assignments.map((x) => x.split)).not.toEqual(a.assignments.map((x) => x.split));
    expect(await allAssignments({ nameOrId: "qa", seed: 7 }, 7)).toEqual(a.assignments.map((x) => x.split));
  });

  it("normalizes ratios like the optimizer (2 / 1 / 1 = 0.5 / 0.25 / 0.25) and allows an empty train split", async () => {
    const s = await app.caller.datasets.splits({ nameOrId: "qa", ratios: { train: 2, validation: 1, test: 1 } });
    expect(s.counts).toEqual({ train: 20, validation: 10, test: 10 });
    expect(s.fractions).toEqual({ train: 0.5, validation: 0.25, test: 0.25 });
    const noTrain = await app.caller.datasets.splits({ nameOrId: "qa", ratios: { train: 0, validation: 1, test: 1 } });
    expect(noTrain.counts).toEqual({ train: 0, validation: 20, test: 20 });
  });

  it("pages past the end return no assignments; a page is cut at the last row", async () => {
    const tail = await app.caller.datasets.splits({ nameOrId: "qa", offset: QA_ROWS - 3, limit: 10 });
    expect(tail.assignments.map((a) => a.index)).toEqual([QA_ROWS - 3, QA_ROWS - 2, QA_ROWS - 1]);
    const past = await app.caller.datasets.splits({ nameOrId: "qa", offset: QA_ROWS + 5 });
    expect(past.assignments).toEqual([]);
    expect(past.counts.train + past.counts.validation + past.counts.test).toBe(QA_ROWS);
  });

  it("reads a given version, by name or id", async () => {
    const v2 = await app.caller.datasets.import({ name: "qa", fileName: "qa-short.jsonl", text: QA_TEXT.split("\n").slice(0, 10).join("\n") });
    expect(v2.version).toBe(2);
    const latest = await app.caller.datasets.splits({ nameOrId: "qa" });
    expect(latest.version).toBe(2);
    expect(latest.rows).toBe(10);
    expect((await app.caller.datasets.splits({ nameOrId: "qa", version: 1 })).rows).toBe(QA_ROWS);
    expect((await app.caller.datasets.splits({ nameOrId: v2.id })).rows).toBe(10);
    await app.caller.datasets.delete({ nameOrId: "qa", version: 2 });
  });

  it("rejects unknown datasets and invalid ratios", async () => {
    await expectTRPCError(app.caller.datasets.splits({ nameOrId: "nope" }), "NOT_FOUND");
    await expectTRPCError(app.caller.datasets.splits({ nameOrId: "qa", version: 99 }), "NOT_FOUND");
    await expectTRPCError(app.caller.datasets.splits({ nameOrId: "qa", ratios: { train: 1, validation: 0, test: 1 } }), "BAD_REQUEST");
    await expectTRPCError(app.caller.datasets.splits({ nameOrId: "qa", ratios: { train: -1, validation: 1, test: 1 } }), "BAD_REQUEST");
    await expectTRPCError(app.caller.datasets.splits({ nameOrId: "qa", limit: 0 }), "BAD_REQUEST");
  });

  it("a viewer may read splits", async () => {
    const viewer = createCaller(createContext(app.services, { id: "tok_v", name: "v", role: "viewer", workflows: null, via: "token" }));
    const s: Splits = await viewer.datasets.splits({ nameOrId: "qa", limit: 1 });
    expect(s.assignments).toHaveLength(1);
  });

  it("matches the rows the optimizer evaluates on validation and test", async () => {
    const seed = 5;
    const ratios = { train: 0.5, validation: 0.25, test: 0.25 };
    const { runId } = await app.caller.optimizations.start({
      workflowId: "qa",
      dataset: "qa",
      config: { targets: ["answer"], strategy: "random", objectives: [{ metric: "grade", direction: "max" }], limits: { maxCandidates: 2 }, seed, split: ratios },
    });
    for await (const item of await app.caller.optimizations.progress({ runId })) {
      if (!isTrackedEnvelope(item)) throw new Error("untracked progress item");
    }
    expect((await app.caller.optimizations.get({ runId })).status).toBe("completed");
    const { candidates } = await app.caller.optimizations.candidates({ runId, limit: 1000, perExample: true });
    const rowsOf = (split: string) => {
      const baseline = candidates.find((c) => c.split === split && c.index === 0)!;
      return (baseline.perExample as Array<{ row: number }>).map((e) => e.row).sort((a, b) => a - b);
    };

    const preview = await app.caller.datasets.splits({ nameOrId: "qa", seed, ratios });
    const indicesOf = (split: string) => preview.assignments.filter((a) => a.split === split).map((a) => a.index);
    expect(rowsOf("validation")).toEqual(indicesOf("validation"));
    expect(rowsOf("test")).toEqual(indicesOf("test"));
    expect(indicesOf("train")).toHaveLength(preview.counts.train);
  });
});
