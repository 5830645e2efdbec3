import { describe, expect, it } from "vitest";
import type { ChatMessage, CompletionRequest, ToolSpec } from "../types.js";
import { createSimProvider } from "./provider.js";
import { generateArithmeticRows } from "./tasks/arithmetic-gen.js";
import { arithmeticMatch, expressionParameter, toolUseInstructed } from "./tools.js";
import { evaluateExpression } from "../../expression/expression.js";

const sim = createSimProvider({ latencyScale: 0 });
const params = { type: "object", properties: { expression: { type: "string" } }, required: ["expression"] };
const calculator = (description: string, name = "calculator"): ToolSpec => ({ name, description, parameters: params });
const GOOD = calculator("Evaluates an arithmetic expression exactly.");

/** Plays the node's loop against the sim: runs each requested calculator call and returns the final answer and the calls. */
async function solve(question: string, system: string, tools: ToolSpec[], model = "sim-small") {
  const messages: ChatMessage[] = [{ role: "system", content: system }, { role: "user", content: question }];
  const calls: string[] = [];
  for (let turn = 0; turn < 5; turn++) {
    const req: CompletionRequest = { model, messages, tools, temperature: 0 };
    const res = await sim.complete(req);
    if (!res.toolCalls?.length) return { text: res.text, calls, finishReason: res.finishReason };
    expect(res.finishReason).toBe("tool_calls");
    messages.push({ role: "assistant", content: res.text, toolCalls: res.toolCalls });
    for (const c of res.toolCalls) {
      calls.push(c.name);
      const args = JSON.parse(c.arguments) as { expression: string };
      messages.push({ role: "tool", toolCallId: c.id, content: String(evaluateExpression("expression|calc", args)) });
    }
  }
  throw new Error("the sim did not stop calling tools");
}

const rows = generateArithmeticRows(40, 5).filter((_, i) => i % 3 !== 0);
const FORMAT = "Answer with only the final number.";

describe("the sim with tools", () => {
  it("reads several phrasings as an instruction to use tools, and negations as a refusal", () => {
    for (const yes of [
      "Use the calculator tool for arithmetic.",
      "Always call the calculator for every calculation.",
      "You can rely on the tools: use them for the math.",
      "Do not do arithmetic in your head; use the calculator.",
      "Don't compute by hand, invoke a tool instead.",
      "Use no tools other than the calculator.",
    ]) expect(toolUseInstructed(yes), yes).toBe(true);
    for (const no of [
      "Do not use any tools.",
      "Answer without using tools.",
      "Never call the calculator.",
      "Use the calculator. Actually, do not use tools at all.",
      "Tools are available.",
      "Be concise.",
      "",
    ]) expect(toolUseInstructed(no), no).toBe(false);
  });

  it("trusts a tool with arithmetic only when its description says so (several wordings), never when it disclaims it", () => {
    for (const good of ["Evaluates an arithmetic expression.", "A calculator for math.", "Computes sums, products and quotients of numbers.", "Solve an equation or formula exactly."]) {
      expect(arithmeticMatch(good), good).toBeGreaterThanOrEqual(2);
    }
    for (const weak of ["Calculator.", "A helpful tool.", "Looks up the weather for a city.", "Not for arithmetic or math: formats dates."]) {
      expect(arithmeticMatch(weak), weak).toBeLessThan(2);
    }
    expect(expressionParameter(params)).toBe("expression");
    expect(expressionParameter({ type: "object", properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"] })).toBeUndefined();
  });

  it("is exact on multi-step arithmetic only through the calculator; instructed, with a good description", async () => {
    let exactWith = 0;
    let exactWithout = 0;
    for (const row of rows) {
      const tooled = await solve(row.question, `${FORMAT}\nUse the calculator tool for every calculation.`, [GOOD]);
      expect(tooled.calls).toEqual(["calculator"]);
      if (tooled.text === row.expected) exactWith++;
      const plain = await solve(row.question, FORMAT, [GOOD]);
      expect(plain.calls).toEqual([]);
      if (plain.text === row.expected) exactWithout++;
    }
    expect(exactWith).toBe(rows.length);
    expect(exactWithout).toBeLessThan(rows.length * 0.7);
  });

  it("does not call a tool when told not to, when the description is vague, or for a task a calculator does not settle", async () => {
    const q = rows[1].question;
    expect((await solve(q, `${FORMAT} Do not use any tools.`, [GOOD])).calls).toEqual([]);
    expect((await solve(q, `${FORMAT} Use the calculator tool.`, [calculator("Calculator.")])).calls).toEqual([]);
    expect((await solve("Review: I love this kettle. Classify the sentiment.", "Use the calculator tool.", [GOOD])).calls).toEqual([]);
  });

  it("picks the best-described tool, and cross-checks with a second one when asked to double-check", async () => {
    const q = rows[2].question;
    const weather = calculator("Looks up the weather.", "weather");
    expect((await solve(q, `${FORMAT} Use the tools.`, [weather, GOOD])).calls).toEqual(["calculator"]);
    const second = calculator("Evaluates arithmetic expressions on a server.", "math_service");
    const checked = await solve(q, `${FORMAT} Use the tools. Double-check the result.`, [GOOD, second]);
    expect(checked.calls).toEqual(["calculator", "math_service"]);
    expect(checked.text).toBe(rows[2].expected);
  });

  it("answers on its own when the tool fails", async () => {
    const q = rows[1].question;
    const messages: ChatMessage[] = [{ role: "system", content: `${FORMAT} Use the calculator tool.` }, { role: "user", content: q }];
    const first = await sim.complete({ model: "sim-small", messages, tools: [GOOD] });
    messages.push({ role: "assistant", content: "", toolCalls: first.toolCalls }, { role: "tool", toolCallId: first.toolCalls![0].id, content: "Error: refused" });
    const after = await sim.complete({ model: "sim-small", messages, tools: [GOOD] });
    expect(after.toolCalls).toBeUndefined();
    expect(after.finishReason).toBe("stop");
    expect(after.text).toMatch(/^\d+$/);
  });

  it("counts the tool definitions in the prompt tokens", async () => {
    const messages: ChatMessage[] = [{ role: "user", content: "Hello there." }];
    const without = await sim.complete({ model: "sim-small", messages });
    const withTools = await sim.complete({ model: "sim-small", messages, tools: [GOOD] });
    expect(withTools.usage.promptTokens).toBeGreaterThan(without.usage.promptTokens);
  });
});
