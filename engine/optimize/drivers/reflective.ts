import { isErrored, passedAll, type CandidateParams, type CandidateRecord, type ExampleResult } from "../candidate.js";
import type { OptimizationContext } from "../context.js";
import { crossoverInstructions } from "../instructions.js";
import { checksum } from "../../graph/checksum.js";
import { createRng, type Rng } from "../rng.js";
import { renderTemplate } from "../../template/render.js";
import { AiParamsSchema, type AiParams } from "../../schema/graph.js";
import { withToolDescription, withToolInstructions } from "../tool-params.js";

/** The opening of the tools operator's request (the sim recognises it: providers/sim/reflect-tools.ts). */
export const TOOL_REFLECTION_PROMPT = "Improve the tool-use instructions and tool descriptions so that the model uses the right tool and fixes the failing examples.";

/**
 * Reflective prompt evolution (GEPA-style): pick a parent from the candidates that are best on
 * some validation example, run it on a small train minibatch, ask a reflection model to rewrite
 * the target's instructions from the failures and their feedback, keep the child only if it
 * improves that minibatch, then score it on validation. Every few rounds, merge two lineages by
 * crossing their instruction sets.
 */
export async function runReflective(ctx: OptimizationContext): Promise<void> {
  const rng = createRng(ctx.config.seed);
  const pool: CandidateRecord[] = [ctx.records[0]];
  const target = ctx.config.targets[rng.int(ctx.config.targets.length)];
  let generation = 1;
  let idle = 0;
  const seen = new Set(ctx.records.map((r) => r.paramsChecksum));
  const fresh = (p: CandidateParams) => !seen.has(checksum(p)) && (seen.add(checksum(p)), true);
  while (!ctx.stopReason() && idle < 8) {
    if (generation % 4 === 0 && pool.length >= 2) {
      // Lineage merge: cross the instruction sets of the newest and another pool member.
      const [a, b] = [pool[pool.length - 1], pool[rng.int(pool.length - 1)]];
      const merged = withSystemPrompt(a.params, target, crossoverInstructions(a.params[target].systemPrompt, b.params[target].systemPrompt));
      generation++;
      if (!fresh(merged)) continue;
      const rec = await ctx.evaluate(merged, { generation, parentIds: [a.index, b.index], origin: "reflective:merge" });
      if (rec.status === "evaluated") pool.push(rec);
      continue;
    }
    const parent = selectParent(pool, rng);
    const demos = ctx.material[target].demos;
    if (generation % 4 === 2 && demos.length > 0 && ctx.config.searchSpace.maxDemos > 0) {
      // The "change few-shot examples" operator: the parent with a different labelled demo set.
      const k = 1 + rng.int(Math.min(ctx.config.searchSpace.maxDemos, demos.length));
      const child = { ...parent.params, [target]: { ...parent.params[target], fewShot: rng.shuffle([...demos]).slice(0, k) } };
      generation++;
      if (fresh(child)) await gateAndEvaluate(ctx, parent, child, sample(trainOrValidation(ctx), ctx.config.reflection.minibatch, rng), { generation, parentIds: [parent.index], origin: `reflective:demos(k=${k})` }, pool);
      continue;
    }
    const batch = sample(trainOrValidation(ctx), ctx.config.reflection.minibatch, rng);
    // Odd generations of a node with tools reflect on its tool text (tool-use instructions, tool descriptions) instead.
    const onTools = (parent.params[target].tools?.length ?? 0) > 0 && generation % 2 === 1;
    const before = await ctx.run(parent.params, batch);
    if (before.some(isErrored)) {
      // An unscored minibatch says nothing about the parent: stop if the budget ran out, else move on.
      if (ctx.stopReason()) break;
      idle++;
      continue;
    }
    const failing = before.filter((r) => !passedAll(r));
    if (failing.length === 0) {
      idle++;
      continue;
    }
    if (onTools) {
      const tooled = await reflectOnTools(ctx, parent.params, target, await failureLines(ctx, parent.params, target, failing, batch));
      const child = tooled ? { ...parent.params, [target]: tooled } : undefined;
      if (!child || !fresh(child)) {
        idle++;
        generation++;
        continue;
      }
      idle = 0;
      generation++;
      await gateAndEvaluate(ctx, parent, child, batch, { generation, parentIds: [parent.index], origin: "reflective:tools" }, pool, before);
      continue;
    }
    const rewritten = await reflect(ctx, parent.params, target, failing, batch);
    if (!rewritten || rewritten === parent.params[target].systemPrompt) {
      idle++;
      continue;
    }
    const child = withSystemPrompt(parent.params, target, rewritten);
    if (!fresh(child)) {
      idle++;
      continue;
    }
    idle = 0;
    generation++;
    await gateAndEvaluate(ctx, parent, child, batch, { generation, parentIds: [parent.index], origin: "reflective" }, pool, before);
  }
}

// A child is scored on validation only if it beats its parent on the same minibatch.
async function gateAndEvaluate(
  ctx: OptimizationContext,
  parent: CandidateRecord,
  child: CandidateParams,
  batch: { index: number; row: Record<string, unknown> }[],
  meta: { generation: number; parentIds: number[]; origin: string },
  pool: CandidateRecord[],
  before?: ExampleResult[],
): Promise<void> {
  const parentScores = before ?? (await ctx.run(parent.params, batch));
  const after = await ctx.run(child, batch);
  const errored = [...parentScores, ...after].filter(isErrored);
  if (errored.length > 0) {
    // Unscored examples are no comparison: a budget stop ends the search, a provider error is the reason.
    if (ctx.stopReason()) return;
    await ctx.reject(child, meta, `minibatch not scored: ${errored.length} example(s) errored (${errored[0].error ?? "unknown error"})`.slice(0, 400), after);
    return;
  }
  if (total(after) <= total(parentScores)) {
    await ctx.reject(child, meta, `did not improve its minibatch (${total(after).toFixed(2)} ≤ ${total(parentScores).toFixed(2)})`, after);
    return;
  }
  const rec = await ctx.evaluate(child, meta);
  if (rec.status === "evaluated") pool.push(rec);
}

function trainOrValidation(ctx: OptimizationContext) {
  return ctx.splits.train.length ? ctx.splits.train : ctx.splits.validation;
}

// Pareto-based selection: candidates best on more validation examples are picked more often.
function selectParent(pool: CandidateRecord[], rng: Rng): CandidateRecord {
  const wins = pool.map(() => 0);
  const rows = pool[0].perExample.map((r) => r.row);
  for (const row of rows) {
    const scores = pool.map((c) => total(c.perExample.filter((r) => r.row === row)));
    const best = Math.max(...scores);
    scores.forEach((s, i) => (wins[i] += s === best ? 1 : 0));
  }
  let u = rng.next() * wins.reduce((a, b) => a + b, 0);
  for (let i = 0; i < pool.length; i++) if ((u -= wins[i]) < 0) return pool[i];
  return pool[pool.length - 1];
}

async function reflect(ctx: OptimizationContext, params: CandidateParams, target: string, failing: ExampleResult[], batch: { index: number; row: Record<string, unknown> }[]): Promise<string | undefined> {
  const provider = ctx.providers.get(ctx.config.reflection.provider);
  if (!provider) return undefined;
  const examples = await failureLines(ctx, params, target, failing, batch);
  const message = [
    "Improve the instructions so that they fix the failing examples. Use the feedback. Reply with the improved instructions only.",
    "",
    "Current instructions:",
    "```",
    params[target].systemPrompt || "(none)",
    "```",
    "",
    "Failing examples:",
    ...examples,
  ].join("\n");
  try {
    const res = await provider.complete({ model: ctx.config.reflection.model, messages: [{ role: "user", content: message }], temperature: 0, maxTokens: 1024 }, { signal: ctx.signal });
    const text = res.text.replace(/^```\w*\n?|```$/g, "").trim();
    return text && text !== "(none)" ? text : undefined;
  } catch {
    return undefined;
  }
}

// The failing examples as the reflection model reads them.
async function failureLines(ctx: OptimizationContext, params: CandidateParams, target: string, failing: ExampleResult[], batch: { index: number; row: Record<string, unknown> }[]): Promise<string[]> {
  const examples: string[] = [];
  for (const [i, r] of failing.entries()) {
    const row = batch.find((b) => b.index === r.row)?.row ?? {};
    const expected = Object.entries(row).find(([k]) => /expected|answer|label|target/i.test(k))?.[1];
    examples.push([
      `Example ${i + 1}:`,
      `Input: ${await shownInput(params, target, row, ctx.runId)}`,
      `Output: ${r.outputs[target] ?? ""}`,
      ...(expected !== undefined ? [`Expected: ${typeof expected === "string" ? expected : JSON.stringify(expected)}`] : []),
      `Feedback: ${Object.values(r.feedback).join(" ")}`,
    ].join("\n"));
  }
  return examples;
}

/**
 * Asks the reflection model to rewrite a node's tool-use instructions and tool descriptions from
 * its failures (JSON reply); the node's params with the rewrite, or undefined when nothing usable changed.
 */
async function reflectOnTools(ctx: OptimizationContext, params: CandidateParams, target: string, examples: string[]): Promise<AiParams | undefined> {
  const provider = ctx.providers.get(ctx.config.reflection.provider);
  const current = params[target];
  if (!provider || !current.tools?.length) return undefined;
  const message = [
    `${TOOL_REFLECTION_PROMPT} Use the feedback. Reply with JSON: {"toolInstructions": "…", "tools": {"<tool name>": "<new description>"}} (leave out the tools you keep as they are).`,
    "",
    "Current tool-use instructions:",
    "```",
    current.toolInstructions?.trim() || "(none)",
    "```",
    "",
    "Tools:",
    ...current.tools.map((t) => `- ${t.name}: ${t.description.replace(/\s+/g, " ")}`),
    "",
    "Failing examples:",
    ...examples,
  ].join("\n");
  let reply: unknown;
  try {
    const res = await provider.complete({ model: ctx.config.reflection.model, messages: [{ role: "user", content: message }], temperature: 0, maxTokens: 1024, responseFormat: "json" }, { signal: ctx.signal });
    reply = JSON.parse(res.text.replace(/^```\w*\n?|```$/g, "").trim());
  } catch {
    return undefined;
  }
  if (!reply || typeof reply !== "object") return undefined;
  const r = reply as { toolInstructions?: unknown; tools?: unknown };
  let next: AiParams = current;
  if (typeof r.toolInstructions === "string" && r.toolInstructions.trim() && r.toolInstructions.trim() !== "(none)") next = withToolInstructions(next, r.toolInstructions.trim());
  if (r.tools && typeof r.tools === "object") {
    for (const [name, description] of Object.entries(r.tools as Record<string, unknown>)) {
      if (typeof description === "string" && description.trim() && current.tools.some((t) => t.name === name)) next = withToolDescription(next, name, description.trim());
    }
  }
  // Model-written text must still be a valid node config (lengths, characters) before it is tried.
  const valid = AiParamsSchema.safeParse(next);
  if (!valid.success || checksum(next) === checksum(current)) return undefined;
  return next;
}

// What the model saw: the target's prompt rendered for the row (raw inputs when it needs upstream outputs).
async function shownInput(params: CandidateParams, target: string, row: Record<string, unknown>, runId: string): Promise<string> {
  try {
    return (await renderTemplate(params[target].prompt, { inputs: row, nodes: {} }, { owner: runId })).trim();
  } catch {
    return JSON.stringify(stripExpected(row));
  }
}

function stripExpected(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([k]) => !/expected|answer|label|target/i.test(k)));
}

function withSystemPrompt(params: CandidateParams, target: string, systemPrompt: string): CandidateParams {
  return { ...params, [target]: { ...params[target], systemPrompt } };
}

function total(results: ExampleResult[]): number {
  return results.reduce((s, r) => s + Object.values(r.scores).reduce((a, b) => a + b, 0), 0);
}

function sample<T>(items: readonly T[], n: number, rng: Rng): T[] {
  return rng.shuffle([...items]).slice(0, Math.min(n, items.length));
}
