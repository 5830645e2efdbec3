/**
 * How the sim plays tools (see docs/tools-and-memory.md). It reaches for a tool only when
 * (1) the instructions (system prompt, including the node's toolInstructions) tell it to use tools
 * and do not forbid them, (2) the task is one a tool can settle (arithmetic: a word problem or an
 * expression it can read), and (3) some tool's description says it does that (a calculator for
 * arithmetic) and takes a text argument to put the expression in. Then it asks for that tool with
 * the expression, and answers with the tool's number: exact whenever the tool is right. Asked to
 * double-check, it cross-checks with a second matching tool. Otherwise it answers as without
 * tools (often wrong on multi-step arithmetic). Descriptions and instructions are read like the
 * sim reads prompts: several phrasings count, negations ("do not use tools") do not.
 */
import type { CompletionRequest, ToolCall, ToolSpec } from "../types.js";
import { answerTask, type TaskTrace } from "./answer-task.js";
import { chooseFamily } from "./family-choice.js";
import { detectFeatures } from "./features.js";
import type { SimModel } from "./models.js";
import { parseRequest } from "./request.js";
import { hashString } from "./rng.js";
import { arithmeticSolver, runChain, type ArithAnswer, type ArithCase } from "./tasks/arithmetic.js";
import type { ArithOp } from "./tasks/arithmetic-parse.js";
import { splitSentences } from "./text.js";

/** A tool-aware reply: either tool calls to make, or the final text after the tools answered. */
export interface SimToolReply {
  text: string;
  toolCalls?: ToolCall[];
  trace?: TaskTrace;
}

const TOOL_WORD = /\b(?:tools?|calculators?|functions?|function calls?|[a-z_]+ tool)\b/;
const USE_WORD = /\b(?:use|using|call|calling|invoke|invoking|rely on|relying on|consult|run|delegate|let|via|through|with|hand|pass)\b/;
const NEGATION = /\b(?:not|never|avoid|without|no|refrain|don't|doesn't|cannot|can't)\b/;
// "no tools other than the calculator" restricts the choice rather than forbidding tools.
const EXCEPT = /\b(?:other|else|besides|except|apart from)\b/;

function clauses(sentence: string): string[] {
  return sentence.split(/[;:,]|\bbut\b|\binstead\b|\brather than\b/).map((c) => c.trim()).filter(Boolean);
}

/** True when the instructions tell the model to use tools and no sentence forbids them. */
export function toolUseInstructed(instruction: string): boolean {
  let positive = false;
  // Lines are sentences too (instruction lists often have no full stops); split before lowercasing.
  const sentences = instruction.split(/\n+/).flatMap((line) => splitSentences(line)).map((s) => s.toLowerCase());
  for (const sentence of sentences) {
    if (!TOOL_WORD.test(sentence)) continue;
    const forbids = clauses(sentence).some((c) => TOOL_WORD.test(c) && NEGATION.test(c) && !EXCEPT.test(c));
    if (forbids) return false;
    if (USE_WORD.test(sentence) || /\b(?:always|whenever|must|should)\b/.test(sentence)) positive = true;
  }
  return positive;
}

// What a description must say for the sim to trust a tool with arithmetic: each group counts once.
const ARITHMETIC_GROUPS: RegExp[] = [
  /\bcalculat\w*/,
  /\b(?:arithmetic|math|maths|mathematical)\b/,
  /\b(?:expressions?|formulas?|equations?)\b/,
  /\b(?:add|adds|addition|sum|sums|plus|subtract\w*|minus|multipl\w*|times|products?|divid\w*|division|quotients?)\b/,
  /\b(?:evaluat\w*|comput\w*|solv\w*|exact\w*|numbers?|numeric\w*)\b/,
];
/** Groups a description must match before the sim uses the tool for arithmetic. */
export const MIN_DESCRIPTION_MATCH = 2;

/** How well a tool's description says it does arithmetic (groups matched; 0 when it disclaims it). */
export function arithmeticMatch(description: string): number {
  const text = description.toLowerCase();
  let score = 0;
  for (const group of ARITHMETIC_GROUPS) {
    const hits = clauses(text).filter((c) => group.test(c));
    if (hits.length === 0) continue;
    // "not for arithmetic" disclaims the very need.
    if (hits.every((c) => NEGATION.test(c))) return 0;
    score++;
  }
  return score;
}

/** The text parameter an expression goes into: a required string one named like an expression, else the first string one. */
export function expressionParameter(parameters: Record<string, unknown>): string | undefined {
  const props = (parameters.properties ?? {}) as Record<string, { type?: unknown }>;
  const strings = Object.keys(props).filter((k) => props[k]?.type === "string");
  const required = new Set(Array.isArray(parameters.required) ? (parameters.required as string[]) : []);
  // A tool needing other arguments too cannot be called with the expression alone.
  if ([...required].some((r) => !strings.includes(r)) || required.size > 1) return undefined;
  return strings.find((k) => required.has(k)) ?? strings.find((k) => /expr|formula|equation|calc|input|query/i.test(k)) ?? strings[0];
}

const SIGN: Record<ArithOp["kind"], string> = { add: "+", sub: "-", mul: "*", div: "/" };

/** The problem as one expression in the safe expression language, e.g. `((12 + 5) - 3)`. */
export function chainExpression(start: number, ops: readonly ArithOp[]): string {
  let expr = String(start);
  for (const op of ops) expr = `(${expr} ${SIGN[op.kind]} ${op.product ? `(${op.product[0]} * ${op.product[1]})` : op.n})`;
  return expr;
}

/** The tools that can do the arithmetic, best description first. */
function arithmeticTools(tools: readonly ToolSpec[]): Array<{ tool: ToolSpec; param: string }> {
  return tools
    .map((tool, i) => ({ tool, i, score: arithmeticMatch(tool.description), param: expressionParameter(tool.parameters) }))
    .filter((t) => t.score >= MIN_DESCRIPTION_MATCH && t.param !== undefined)
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .map((t) => ({ tool: t.tool, param: t.param! }));
}

/** The tool calls made since the last user message and the results that came back, in order. */
function toolHistory(request: CompletionRequest): Array<{ name: string; result?: string }> {
  const messages = request.messages;
  let lastUser = -1;
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].role === "user") { lastUser = i; break; }
  const out: Array<{ id: string; name: string; result?: string }> = [];
  for (const m of messages.slice(lastUser + 1)) {
    if (m.role === "assistant") for (const c of m.toolCalls ?? []) out.push({ id: c.id, name: c.name });
    if (m.role === "tool") {
      const call = out.find((c) => c.id === m.toolCallId);
      if (call) call.result = m.content;
    }
  }
  return out;
}

/** The number a tool answered with ("17", `{"result":17}`); undefined for an error or no number. */
function resultNumber(text: string | undefined): number | undefined {
  if (text === undefined || /^\s*error\b/i.test(text)) return undefined;
  const m = /-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/i.exec(text);
  return m ? Number(m[0]) : undefined;
}

/**
 * The sim's reply when the request offers tools; undefined when tools do not apply (the caller
 * answers as without tools).
 */
export function simToolReply(request: CompletionRequest, model: SimModel, worldSeed: number): SimToolReply | undefined {
  const tools = request.tools ?? [];
  if (tools.length === 0) return undefined;
  const parsed = parseRequest(request);
  if (!toolUseInstructed(parsed.instruction)) return undefined;
  const features = detectFeatures(parsed.instruction, request.responseFormat);
  const choice = chooseFamily(parsed.data, features);
  if (choice.family !== "arithmetic") return undefined;
  const c = arithmeticSolver.analyze(parsed.data);
  // The expression must stay inside the expression language's nesting limit.
  if (!c || c.problem.ops.length > 24) return undefined;
  const usable = arithmeticTools(tools);
  if (usable.length === 0) return undefined;
  const history = toolHistory(request);
  const expression = chainExpression(c.problem.start, c.problem.ops);
  const call = (t: { tool: ToolSpec; param: string }, n: number): SimToolReply => ({
    text: "",
    toolCalls: [{ id: `call_${(hashString(`${expression}|${t.tool.name}|${n}`) % 1e9).toString(36)}`, name: t.tool.name, arguments: JSON.stringify({ [t.param]: expression }) }],
  });
  if (history.length === 0) return call(usable[0], 0);
  const values = history.map((h) => resultNumber(h.result));
  const first = values[0];
  // Asked to double-check: a second matching tool confirms the first one's number.
  const second = usable.find((u) => !history.some((h) => h.name === u.tool.name));
  if (first !== undefined && features.selfCheck && second && history.length === 1) return call(second, 1);
  if (first === undefined) return undefined; // the tool failed: the model works it out itself
  const truth = runChain(c.problem.start, c.problem.ops);
  const forced: ArithAnswer = { value: first, steps: truth.steps };
  const ctx = { model, request, parsed, features, instructed: choice.instructed, worldSeed, forced };
  const reply = answerTask<ArithCase, ArithAnswer>(arithmeticSolver, c, ctx);
  return { text: reply.text, trace: reply.trace };
}
