// Issue 11 (tools): examples/agent.flow.json runs from the CLI, its http tool reaches a local service
// only when the operator allows private networks, and tuning its tool text beats its baseline.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyParams } from "../engine/optimize/apply.js";
import { runOptimization } from "../engine/optimize/loop.js";
import { createMemoryOptimizationStore } from "../engine/optimize/store.js";
import { createSimProvider } from "../engine/providers/sim/index.js";
import { parseGraph } from "../engine/graph/validate.js";
import { startToolTestService, type ToolTestService } from "../engine/tools/test-service.js";
import { configureToolNetwork } from "../engine/tools/network.js";

const exec = promisify(execFile);
const BIN = path.resolve("bin/flowtune.js");
const EXAMPLE = JSON.parse(readFileSync("examples/agent.flow.json", "utf8"));
const ROWS = readFileSync("examples/agent.dataset.jsonl", "utf8").trim().split("\n").map((l) => JSON.parse(l) as { question: string; expected: string });
let dir: string;
let svc: ToolTestService;

async function flowtune(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: `file:${path.join(dir, "cli.db")}`, FLOWTUNE_SIM_LATENCY_SCALE: "0", NO_COLOR: "1", ...extraEnv };
  if (!("FLOWTUNE_TOOLS_ALLOW_PRIVATE_NETWORK" in extraEnv)) delete env.FLOWTUNE_TOOLS_ALLOW_PRIVATE_NETWORK;
  try {
    const r = await exec(process.execPath, [BIN, ...args], { env, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const sim = createSimProvider({ latencyScale: 0 });
const providers = { get: (id: string) => (id === "sim" ? sim : undefined), ids: () => ["sim"] };

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-agent-"));
  svc = await startToolTestService();
  // The optimization's own runs never reach a network: the math service is refused (an error result).
  configureToolNetwork({ allowPrivateNetwork: false });
});
afterAll(async () => {
  configureToolNetwork();
  await svc.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("examples/agent.flow.json", () => {
  it("runs from the CLI as shipped (the vague baseline uses no tool) and validates", async () => {
    expect(() => parseGraph(EXAMPLE)).not.toThrow();
    const r = await flowtune(["run", "examples/agent.flow.json", "--input", JSON.stringify(ROWS[0]), "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { status: string; nodes: Record<string, { output: { toolCalls: unknown[]; text: string } }> };
    expect(doc.status).toBe("succeeded");
    expect(doc.nodes.solve.output.toolCalls).toEqual([]);
  }, 60_000);

  it("tuning its tool text (reflective, on the sim) beats the baseline on the test split; the tuned graph calls both tools from the CLI", async () => {
    const { dataset: _dataset, ...config } = EXAMPLE.nodes.find((n: { id: string }) => n.id === "tune").config;
    const result = await runOptimization({ graph: EXAMPLE, rows: ROWS, config, providers, store: createMemoryOptimizationStore() });
    expect(result.baseline.testStatus).toBe("scored");
    expect(result.best.testStatus).toBe("scored");
    const base = result.baseline.test!.grade;
    const best = result.best.test!.grade;
    expect(best).toBeGreaterThan(base + 0.3);
    expect(best).toBe(1);
    const tuned = result.best.params.solve;
    expect(tuned.toolInstructions).not.toBe("Some tools are available.");
    expect(tuned.tools!.map((t) => t.description)).not.toEqual(EXAMPLE.nodes.find((n: { id: string }) => n.id === "solve").config.tools.map((t: { description: string }) => t.description));
    expect(result.candidates.some((c) => c.origin === "reflective:tools" && c.status === "evaluated")).toBe(true);

    // The tuned graph against a local math service: refused by default, reached when the operator allows it.
    const graph = applyParams(parseGraph(EXAMPLE), result.best.params) as { nodes: Array<{ id: string; config: { tools?: Array<{ kind: string; url?: string }> } }> };
    const http = graph.nodes.find((n) => n.id === "solve")!.config.tools!.find((t) => t.kind === "http")!;
    http.url = http.url!.replace("http://127.0.0.1:8787", svc.url);
    const file = path.join(dir, "agent-tuned.flow.json");
    writeFileSync(file, JSON.stringify(graph));
    const row = ROWS[5];

    const refused = await flowtune(["run", file, "--input", JSON.stringify(row)]);
    expect(refused.code, refused.stderr).toBe(0);
    expect(refused.stderr).toMatch(/tool call solve → calculator\(\{"expression":/);
    expect(refused.stderr).toMatch(/tool {6}solve ← math_service .*error: refused to call http:\/\/127\.0\.0\.1:\d+\/calc: address 127\.0\.0\.1 is a loopback address/);
    expect(svc.requests).toHaveLength(0);

    const allowed = await flowtune(["run", file, "--input", JSON.stringify(row), "--json"], { FLOWTUNE_TOOLS_ALLOW_PRIVATE_NETWORK: "1" });
    expect(allowed.code, allowed.stderr).toBe(0);
    const doc = JSON.parse(allowed.stdout) as { outputs: { out: { answer: string; score: string } }; nodes: Record<string, { output: { toolCalls: Array<{ tool: string; result?: unknown; error?: string }> } }> };
    expect(doc.outputs.out).toEqual({ answer: row.expected, score: "1" });
    expect(doc.nodes.solve.output.toolCalls.map((c) => [c.tool, c.result, c.error])).toEqual([
      ["calculator", Number(row.expected), undefined],
      ["math_service", { result: Number(row.expected) }, undefined],
    ]);
    expect(svc.requests.map((r) => r.url)).toEqual([expect.stringMatching(/^\/calc\?expression=/)]);
  }, 120_000);
});
