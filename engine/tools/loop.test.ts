import { afterEach, describe, expect, it } from "vitest";
import { configureLimits } from "../limits.js";
import type { CompletionRequest, CompletionResponse, Provider, ToolCall } from "../providers/types.js";
import { ToolListSchema, type Tool } from "../schema/tools.js";
import { runToolLoop, type ToolEvent } from "./loop.js";

afterEach(() => configureLimits({}));

const [calc, echo] = ToolListSchema.parse([
  {
    kind: "expression", name: "calc", description: "Evaluates an arithmetic expression.", expression: "expression|calc",
    parameters: { type: "object", properties: { expression: { type: "string", maxLength: 200 } }, required: ["expression"], additionalProperties: false },
  },
  { kind: "expression", name: "echo", description: "Echoes its text.", expression: "text", parameters: { type: "object", properties: { text: { type: "string" } }, required: ["text"] } },
]) as Tool[];

/** A provider that replays `turns` (tool calls, or a final text) and records every request. */
function scripted(turns: Array<ToolCall[] | string>): Provider & { requests: CompletionRequest[] } {
  const requests: CompletionRequest[] = [];
  return {
    id: "fake",
    requests,
    async complete(req): Promise<CompletionResponse> {
      requests.push(structuredClone(req));
      const turn = turns[Math.min(requests.length - 1, turns.length - 1)];
      const usage = { promptTokens: 10, completionTokens: 2, totalTokens: 12 };
      return typeof turn === "string"
        ? { text: turn, usage, latencyMs: 5, costUsd: 0.01, finishReason: "stop", model: "m" }
        : { text: "", toolCalls: turn, usage, latencyMs: 5, costUsd: 0.01, finishReason: "tool_calls", model: "m" };
    },
  };
}

const run = (provider: Provider, opts: { max?: number; tools?: Tool[] } = {}) => {
  const events: ToolEvent[] = [];
  const p = runToolLoop({
    nodeId: "a", provider, tools: opts.tools ?? [calc, echo], maxToolCalls: opts.max ?? 5, signal: new AbortController().signal, emit: (e) => events.push(e),
    request: { model: "m", messages: [{ role: "system", content: "sys" }, { role: "user", content: "What is (12 + 5) * 3?" }] },
  });
  return p.then((r) => ({ ...r, events }));
};

describe("the tool-calling loop", () => {
  it("runs the requested tool, hands the result back in a tool message, and sums usage and cost over every model call", async () => {
    const provider = scripted([[{ id: "c1", name: "calc", arguments: '{"expression":"(12 + 5) * 3"}' }], "51"]);
    const r = await run(provider);
    expect(r.response.text).toBe("51");
    expect(r.calls).toEqual([{ id: "c1", tool: "calc", arguments: { expression: "(12 + 5) * 3" }, result: 51, durationMs: expect.any(Number) }]);
    expect(r.modelCalls).toBe(2);
    expect(r.usage).toEqual({ promptTokens: 20, completionTokens: 4, totalTokens: 24 });
    expect(r.costUsd).toBeCloseTo(0.02);
    expect(r.stopped).toBeUndefined();
    // Every call offers the tools; the second carries the assistant's call and the tool's answer.
    expect(provider.requests[0].tools?.map((t) => t.name)).toEqual(["calc", "echo"]);
    expect(provider.requests[1].messages.slice(2)).toEqual([
      { role: "assistant", content: "", toolCalls: [{ id: "c1", name: "calc", arguments: '{"expression":"(12 + 5) * 3"}' }] },
      { role: "tool", toolCallId: "c1", content: "51" },
    ]);
    expect(r.events).toEqual([
      { type: "node.tool_call", callId: "c1", tool: "calc", arguments: { expression: "(12 + 5) * 3" } },
      { type: "node.tool_result", callId: "c1", tool: "calc", result: 51, durationMs: expect.any(Number) },
    ]);
  });

  it("gives invalid arguments, unknown tools and tool errors back to the model as error results, not a crash", async () => {
    const provider = scripted([
      [
        { id: "a", name: "calc", arguments: '{"expression": 5}' },
        { id: "b", name: "calc", arguments: "{not json" },
        { id: "c", name: "nope", arguments: "{}" },
        { id: "d", name: "calc", arguments: '{"expression":"1 +"}' },
        { id: "e", name: "calc", arguments: '{"expression":"1","extra":1}' },
      ],
      "done",
    ]);
    const r = await run(provider);
    expect(r.response.text).toBe("done");
    expect(r.calls.map((c) => c.error)).toEqual([
      expect.stringMatching(/^invalid arguments for "calc": \$\.expression: must be string, got integer/),
      expect.stringMatching(/^the arguments are not valid JSON/),
      'unknown tool "nope" (available: calc, echo)',
      expect.stringMatching(/expression syntax error/),
      expect.stringMatching(/^invalid arguments for "calc": .*extra/),
    ]);
    const toolMessages = provider.requests[1].messages.filter((m) => m.role === "tool");
    expect(toolMessages.map((m) => m.toolCallId)).toEqual(["a", "b", "c", "d", "e"]);
    for (const m of toolMessages) expect(m.content).toMatch(/^Error: /);
    expect(r.events.filter((e) => e.type === "node.tool_result").every((e) => e.type === "node.tool_result" && typeof e.error === "string")).toBe(true);
  });

  it("stops at maxToolCalls and says so, rather than truncating silently", async () => {
    const provider = scripted([[{ id: "x", name: "echo", arguments: '{"text":"again"}' }]]);
    const r = await run(provider, { max: 3 });
    expect(r.calls).toHaveLength(3);
    expect(r.modelCalls).toBe(4);
    expect(r.stopped).toBe("stopped at the tool call limit: the model asked for 1 more tool call after 3 (maxToolCalls 3)");
    // Repeated model ids are made unique so each result answers one call.
    expect(r.calls.map((c) => c.id)).toEqual(["x", "call_2", "call_3"]);
  });

  it("stops inside a batch that would pass the limit and records how many calls were not made", async () => {
    const call = (id: string) => ({ id, name: "echo", arguments: '{"text":"t"}' });
    const r = await run(scripted([[call("1"), call("2"), call("3")]]), { max: 2 });
    expect(r.calls.map((c) => c.id)).toEqual(["1", "2"]);
    expect(r.stopped).toBe("stopped at the tool call limit: 1 requested tool call was not made (maxToolCalls 2)");
  });

  it("bounds argument and result sizes (a truncation marker, recorded as truncated)", async () => {
    configureLimits({ toolArgumentChars: 100, toolResultChars: 50 });
    const provider = scripted([
      [
        { id: "big", name: "echo", arguments: JSON.stringify({ text: "y".repeat(200) }) },
        { id: "long", name: "echo", arguments: JSON.stringify({ text: "z".repeat(80) }) },
      ],
      "ok",
    ]);
    const r = await run(provider);
    expect(r.calls[0].error).toBe("the arguments are 211 characters, over the limit of 100 (toolArgumentChars)");
    expect(r.calls[1]).toMatchObject({ truncated: true, result: `${"z".repeat(50)}…[truncated: 50 of 80 characters]` });
    expect(provider.requests[1].messages.at(-1)?.content).toBe(`${"z".repeat(50)}…[truncated: 50 of 80 characters]`);
  });

  it("bounds the node's total tool time: a call over the budget is aborted and reported to the model", async () => {
    configureLimits({ toolTotalMs: 100 });
    const slow: Tool = { ...echo, name: "slow" };
    const provider = scripted([[{ id: "s", name: "slow", arguments: '{"text":"t"}' }, { id: "t", name: "slow", arguments: '{"text":"t"}' }], "ok"]);
    // A tool kind that never settles unless aborted, swapped in through a tool of its own kind.
    const { TOOL_RUNNERS } = await import("./registry.js");
    const original = TOOL_RUNNERS.expression;
    TOOL_RUNNERS.expression = { kind: "expression", run: (_t, _a, ctx) => new Promise((_r, reject) => ctx.signal.addEventListener("abort", () => reject(new Error("aborted")))) };
    try {
      const started = performance.now();
      const r = await run(provider, { tools: [slow] });
      expect(performance.now() - started).toBeLessThan(2000);
      expect(r.calls[0].error).toMatch(/tool time budget ran out \(100 ms, toolTotalMs\)/);
      expect(r.calls[1].error).toMatch(/tool time budget is spent/);
      expect(r.response.text).toBe("ok");
    } finally {
      TOOL_RUNNERS.expression = original;
    }
  });

  it("a cancelled node rejects instead of reporting a tool error", async () => {
    const ctl = new AbortController();
    const provider: Provider = {
      id: "p",
      complete: async () => {
        ctl.abort(new Error("cancelled by user"));
        return { text: "", toolCalls: [{ id: "1", name: "calc", arguments: '{"expression":"1"}' }], usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 }, latencyMs: 1, finishReason: "tool_calls", model: "m" };
      },
    };
    await expect(runToolLoop({ nodeId: "a", provider, tools: [calc], maxToolCalls: 2, signal: ctl.signal, request: { model: "m", messages: [] } })).rejects.toThrow();
  });
});
