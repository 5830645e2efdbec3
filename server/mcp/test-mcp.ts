/**
 * Test helpers for the MCP tools, shared by the HTTP (server/mcp/mcp-http.test.ts) and stdio
 * (cli/mcp.test.ts) tests: calls through the SDK's own Client, and the agent loop both run.
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { expect } from "vitest";
import type { ToolErrorBody } from "./tool.js";

type Json = Record<string, unknown>;

/** Calls a tool that must succeed; returns its structured content (checked equal to its JSON text). */
export async function ok(client: Client, name: string, args: Json = {}): Promise<Json> {
  const r = await client.callTool({ name, arguments: args });
  const text = (r.content as Array<{ type: string; text: string }>)[0]?.text;
  if (r.isError) throw new Error(`${name} failed: ${text}`);
  expect(JSON.parse(text)).toEqual(r.structuredContent);
  return r.structuredContent as Json;
}

/** Calls a tool that must be refused with an API error; returns it (the text is the same JSON). */
export async function refused(client: Client, name: string, args: Json = {}): Promise<ToolErrorBody> {
  const r = await client.callTool({ name, arguments: args });
  expect(r.isError, `${name} should be refused`).toBe(true);
  const body = (r.structuredContent as { error: ToolErrorBody }).error;
  expect(JSON.parse((r.content as Array<{ text: string }>)[0].text)).toEqual({ error: body });
  expect(JSON.stringify(body)).not.toMatch(/\n\s+at |\.ts:\d+/); // never a stack
  return body;
}

/** Calls a tool that must fail (any tool error); returns its text. */
export async function toolErrorText(client: Client, name: string, args: Json): Promise<string> {
  const r = await client.callTool({ name, arguments: args });
  expect(r.isError, `${name} should fail`).toBe(true);
  return (r.content as Array<{ text: string }>)[0].text;
}

/** A small random-search optimization of the qa example's AI node (4 candidates, the baseline included). */
export const QA_CONFIG = { targets: ["answer"], strategy: "random", objectives: [{ metric: "grade", direction: "max" }], limits: { maxCandidates: 4 }, seed: 1 };

/**
 * The agent loop of issue 11 on the qa example: start an optimization, poll its progress until it
 * ends, finalize it with notes, list its candidates, save the best as a version and promote it,
 * then roll back. Asserts along the way; returns what it saw.
 */
export async function optimizeFlow(client: Client, dataset: string) {
  const started = await ok(client, "start_optimization", { workflowId: "qa", config: QA_CONFIG, dataset });
  expect(started).toMatchObject({ runId: expect.any(String), status: "running" });
  const runId = started.runId as string;

  const seen: Json[] = [];
  const deadline = Date.now() + 90_000;
  let progress: Json;
  for (;;) {
    progress = await ok(client, "get_optimization_progress", { runId });
    seen.push(progress);
    if (progress.status !== "running") break;
    if (Date.now() > deadline) throw new Error(`optimization ${runId} still running: ${JSON.stringify(progress)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(progress).toMatchObject({ runId, workflowId: "qa", status: "completed", done: 4, total: 4, finalized: false });
  // The candidate count never goes backwards while it runs.
  const dones = seen.map((p) => p.done as number);
  expect(dones).toEqual([...dones].sort((a, b) => a - b));
  const best = progress.best as { index: number; score: number; metric: string; n: number; objectives: Record<string, number>; testStatus: string };
  expect(best.metric).toBe("grade");
  expect(best.score).toBe(best.objectives.grade);
  expect(best.n).toBe(12); // the qa dataset's validation split
  expect(best.testStatus).toBe("scored");

  const finalized = await ok(client, "finalize_optimization", { runId, notes: "Random search, 4 candidates: promoting the best.\nSecond line." });
  expect(finalized).toMatchObject({ runId, status: "completed", notes: "Random search, 4 candidates: promoting the best.\nSecond line.", finalized: true });
  expect(await ok(client, "get_optimization_progress", { runId })).toMatchObject({ finalized: true, notes: finalized.notes });

  const { candidates } = (await ok(client, "list_candidates", { runId, split: "validation" })) as { candidates: Array<{ index: number; status: string; objectives: Json; metrics: Json }> };
  expect(candidates.map((c) => c.index)).toEqual([0, 1, 2, 3]);
  const bestRow = candidates.find((c) => c.index === best.index)!;
  expect(bestRow.objectives.grade).toBe(best.score);
  expect(bestRow.metrics.n).toBe(best.n);

  const saved = (await ok(client, "save_candidate", { runId, index: best.index })) as { versions: Array<{ nodeId: string; version: number; created: boolean }> };
  expect(saved.versions).toHaveLength(1);
  const { nodeId, version } = saved.versions[0];
  expect(nodeId).toBe("answer");
  expect(version, "the best candidate is not the baseline (seed 1), so it is a new version").toBeGreaterThan(1);
  const promoted = await ok(client, "promote_version", { workflowId: "qa", nodeId, version, reason: "best grade of the MCP optimization" });
  expect(promoted).toMatchObject({ changed: true, from: 1, to: version });
  const listed = (await ok(client, "list_parameter_versions", { workflowId: "qa", nodeId })) as { production: number };
  expect(listed.production).toBe(version);
  // Runs now use it: get_workflow_nodes reports the promoted version as what the node runs.
  const nodes = (await ok(client, "get_workflow_nodes", { workflowId: "qa" })) as { nodes: Array<{ id: string; kind: string; tunable?: { parameterVersion: number; managed: boolean } }> };
  const answer = nodes.nodes.find((n) => n.id === "answer")!;
  expect(answer.tunable).toMatchObject({ parameterVersion: version, managed: true });
  const rolled = await ok(client, "rollback_version", { workflowId: "qa", nodeId, reason: "undo for the test" });
  expect(rolled).toMatchObject({ changed: true, from: version, to: 1 });
  expect(((await ok(client, "list_parameter_versions", { workflowId: "qa", nodeId })) as { production: number }).production).toBe(1);
  return { runId, best, version, promoted, rolled, seen };
}
