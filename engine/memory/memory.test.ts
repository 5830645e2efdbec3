import { describe, expect, it } from "vitest";
import { createRun, runGraph } from "../executor/run.js";
import { createProviderRegistry } from "../providers/registry.js";
import { createSimProvider } from "../providers/sim/provider.js";
import type { CompletionRequest, Provider } from "../providers/types.js";
import { GraphSchema, type GraphInput } from "../schema/graph.js";
import { createInMemoryMemoryStore } from "./in-memory.js";
import type { MemoryRecord } from "./node.js";
import type { MemoryAdmin } from "./types.js";

const sim = createSimProvider({ latencyScale: 0 });

/** Records every request the sim gets (to see what memory put in front of the prompt). */
function recording(): Provider & { requests: CompletionRequest[] } {
  const requests: CompletionRequest[] = [];
  return { id: "sim", requests, listModels: sim.listModels, complete: (req, o) => (requests.push(structuredClone(req)), sim.complete(req, o)) };
}

function chatGraph(memory: Record<string, unknown> = {}): GraphInput {
  return {
    version: 1,
    id: "chat",
    name: "Chat",
    nodes: [
      { id: "in", kind: "input", config: { fields: [{ name: "message" }, { name: "thread", required: false, default: "" }] } },
      { id: "bot", kind: "ai", config: { model: "sim-small", prompt: "{{ inputs.message }}", memory: { thread: "{{ inputs.thread }}", ...memory } } },
      { id: "out", kind: "output", config: { fields: { answer: "{{ nodes.bot.text }}" } } },
    ],
    edges: [
      { id: "e1", kind: "pipeline", source: "in", target: "bot" },
      { id: "e2", kind: "pipeline", source: "bot", target: "out" },
    ],
  };
}

async function say(store: MemoryAdmin | undefined, message: string, thread: string, memory: Record<string, unknown> = {}, provider: Provider = sim) {
  const r = await runGraph({ graph: chatGraph(memory), inputs: { message, thread }, providers: createProviderRegistry([provider]), memory: store });
  expect(r.nodes.bot?.error).toBeUndefined();
  return { answer: (r.outputs.out as { answer: string }).answer, record: (r.nodes.bot.output as { memory: MemoryRecord }).memory, result: r };
}

describe("conversation memory on AI nodes", () => {
  it("three runs on one thread: the second and third answers come from the first turn, and each run records what it read", async () => {
    const store = createInMemoryMemoryStore();
    const first = await say(store, "My name is Ada.", "t1");
    expect(first.answer).toBe("Noted: your name is Ada.");
    expect(first.record).toMatchObject({ threadId: "t1", kind: "window", readSeqs: [], wroteSeqs: [1, 2] });
    const second = await say(store, "What is my name?", "t1");
    expect(second.answer).toBe("Your name is Ada.");
    expect(second.record).toMatchObject({ readSeqs: [1, 2], wroteSeqs: [3, 4] });
    const third = await say(store, "What did I say first?", "t1");
    expect(third.answer).toBe('You said: "My name is Ada."');
    expect(third.record.readSeqs).toEqual([1, 2, 3, 4]);
    // The same questions on another thread, or without a store, have nothing to recall.
    expect((await say(store, "What is my name?", "t2")).answer).toBe("I don't know your name; you haven't told me.");
    const none = await say(undefined, "What is my name?", "t1");
    expect(none.answer).toBe("I don't know your name; you haven't told me.");
    expect(none.record.skipped).toMatch(/no memory store/);
    expect((await store.turns({ workflowId: "chat", nodeId: "bot", threadId: "t1" })).map((t) => t.content)).toEqual([
      "My name is Ada.", "Noted: your name is Ada.", "What is my name?", "Your name is Ada.", "What did I say first?", 'You said: "My name is Ada."',
    ]);
  });

  it("puts the turns between the system prompt and the new message, as user/assistant messages", async () => {
    const store = createInMemoryMemoryStore();
    const p = recording();
    await say(store, "My name is Ada.", "t", {}, p);
    await say(store, "What is my name?", "t", {}, p);
    expect(p.requests[1].messages).toEqual([
      { role: "user", content: "My name is Ada." },
      { role: "assistant", content: "Noted: your name is Ada." },
      { role: "user", content: "What is my name?" },
    ]);
  });

  it("includeContext false keeps recording the thread but does not read it back", async () => {
    const store = createInMemoryMemoryStore();
    await say(store, "My name is Ada.", "t", { includeContext: false });
    const r = await say(store, "What is my name?", "t", { includeContext: false });
    expect(r.answer).toMatch(/don't know/);
    expect(r.record).toMatchObject({ includeContext: false, wroteSeqs: [3, 4] });
    expect(r.record.readSeqs).toBeUndefined();
    // The same thread read with context on recalls it.
    expect((await say(store, "What is my name?", "t")).answer).toBe("Your name is Ada.");
  });

  it("a window keeps the last maxTurns exchanges, and within maxTokens drops the oldest first", async () => {
    const store = createInMemoryMemoryStore();
    await say(store, "My name is Ada.", "t");
    await say(store, "My city is Lyon.", "t");
    const r = await say(store, "What is my name?", "t", { maxTurns: 1 });
    expect(r.record.readSeqs).toEqual([3, 4]);
    expect(r.answer).toMatch(/don't know your name/);
    const budget = await say(store, "What is my city?", "t", { maxTokens: 30 });
    // 30 tokens hold the last exchange or two, never the first (the name) — and never a reply without its question.
    expect(budget.record.readTokens).toBeLessThanOrEqual(30);
    expect(budget.record.readSeqs![0]).toBeGreaterThan(2);
    expect(budget.record.readSeqs!.length % 2).toBe(0);
  });

  it("a summary memory recalls facts older than its window through a running summary kept by a model", async () => {
    const store = createInMemoryMemoryStore();
    const cfg = { kind: "summary", maxTurns: 1 };
    const a = await say(store, "My name is Ada.", "s", cfg);
    expect(a.record).toMatchObject({ summaryVersion: 0, summaryVersionAfter: 1, wroteSeqs: [1, 2] });
    await say(store, "My city is Lyon.", "s", cfg);
    await say(store, "Hello there, how are you today?", "s", cfg);
    const r = await say(store, "What is my name?", "s", cfg);
    expect(r.answer).toBe("Your name is Ada.");
    expect(r.record).toMatchObject({ summaryVersion: 3, readSeqs: [], summaryVersionAfter: 4 });
    const summary = await store.summary({ workflowId: "chat", nodeId: "bot", threadId: "s" });
    expect(summary).toMatchObject({ version: 4, throughSeq: 8 });
    expect(summary!.text).toContain("my name is Ada; my city is Lyon");
    // The summary model's call is paid by the node.
    expect(r.result.usage.totalTokens).toBeGreaterThan((r.result.nodes.bot.output as { usage: { totalTokens: number } }).usage.totalTokens);
  });

  it("a failed summary keeps the turn, which is read verbatim until a later fold takes it in", async () => {
    const store = createInMemoryMemoryStore();
    const flaky: Provider = { id: "sim", complete: (req, o) => (req.messages[0]?.content.startsWith("You maintain") ? Promise.reject(new Error("summariser down")) : sim.complete(req, o)) };
    const a = await say(store, "My name is Ada.", "f", { kind: "summary" }, flaky);
    expect(a.record.summaryError).toBe("summariser down");
    const b = await say(store, "What is my name?", "f", { kind: "summary" });
    expect(b.record).toMatchObject({ summaryVersion: 0, readSeqs: [1, 2], summaryVersionAfter: 1 });
    expect(b.answer).toBe("Your name is Ada.");
  });

  it("two runs on one thread at once keep both exchanges, each pair under consecutive seqs", async () => {
    const store = createInMemoryMemoryStore();
    const slow = createSimProvider({ latencyScale: 0.05 });
    const both = await Promise.all([say(store, "My name is Ada.", "c", {}, slow), say(store, "My city is Lyon.", "c", {}, slow)]);
    const turns = await store.turns({ workflowId: "chat", nodeId: "bot", threadId: "c" });
    expect(turns.map((t) => t.seq)).toEqual([1, 2, 3, 4]);
    expect(both.map((b) => b.record.wroteSeqs).sort()).toEqual([[1, 2], [3, 4]]);
    for (const [u, a] of [[turns[0], turns[1]], [turns[2], turns[3]]]) {
      expect([u.role, a.role]).toEqual(["user", "assistant"]);
      expect(a.runId).toBe(u.runId);
    }
  });

  it("refuses a malformed thread id naming node and field; an empty one runs without memory", async () => {
    const store = createInMemoryMemoryStore();
    const r = await runGraph({ graph: chatGraph(), inputs: { message: "hi", thread: "../../etc" }, providers: createProviderRegistry([sim]), memory: store });
    expect(r.status).toBe("failed");
    expect(r.nodes.bot.error).toMatchObject({ code: "INPUT_INVALID", nodeId: "bot" });
    expect(r.nodes.bot.error!.message).toMatch(/config\.memory\.thread rendered "\.\.\/\.\.\/etc", not a valid thread id/);
    const long = await runGraph({ graph: chatGraph(), inputs: { message: "hi", thread: "x".repeat(129) }, providers: createProviderRegistry([sim]), memory: store });
    expect(long.nodes.bot.error?.code).toBe("INPUT_INVALID");
    const empty = await say(store, "My name is Ada.", "");
    expect(empty.record.skipped).toMatch(/rendered empty/);
    expect(await store.threads("chat")).toEqual([]);
  });

  it("the schema bounds the memory config and names the field", () => {
    const bad = (memory: Record<string, unknown>) => {
      const r = GraphSchema.safeParse(chatGraph(memory));
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    };
    expect(bad({})).toEqual([]);
    expect(bad({ maxTurns: 0 })[0]).toMatch(/^nodes\.1\.config\.memory\.maxTurns:/);
    expect(bad({ maxTurns: 101 })[0]).toMatch(/maxTurns/);
    expect(bad({ maxTokens: 1e9 })[0]).toMatch(/maxTokens/);
    expect(bad({ kind: "vector" })[0]).toMatch(/memory\.kind/);
    expect(bad({ summaryModel: "sim-small" })[0]).toMatch(/memory\.summaryModel: is only used by kind "summary"/);
    expect(bad({ threadd: "x" })[0]).toMatch(/memory/);
    expect(bad({ thread: "" })[0]).toMatch(/memory\.thread/);
  });

  it("the store keeps at most its bound of messages per thread (oldest pruned) and cuts oversized messages", async () => {
    const store = createInMemoryMemoryStore({ maxStoredMessages: 4 });
    const key = { workflowId: "w", nodeId: "n", threadId: "t" };
    for (let i = 0; i < 3; i++) await store.append(key, [{ role: "user", content: `q${i}` }, { role: "assistant", content: `a${i}` }]);
    expect((await store.turns(key)).map((t) => t.seq)).toEqual([3, 4, 5, 6]);
    const [big] = await store.append(key, [{ role: "user", content: "x".repeat(20_000) }]);
    expect(big.content.length).toBeLessThan(16_100);
    expect(big.content).toMatch(/…\[cut: 20000 characters\]$/);
    expect(await store.clear(key)).toBe(true);
    expect(await store.turns(key)).toEqual([]);
  });

  it("records the memory it read in node.succeeded, in the run's events", async () => {
    const store = createInMemoryMemoryStore();
    await say(store, "My name is Ada.", "ev");
    const h = await createRun({ graph: chatGraph(), inputs: { message: "What is my name?", thread: "ev" }, providers: createProviderRegistry([sim]), memory: store });
    const events = [];
    for await (const e of h.events()) events.push(e);
    const done = events.find((e) => e.type === "node.succeeded" && e.nodeId === "bot");
    expect((done as { output: { memory: MemoryRecord } }).output.memory).toMatchObject({ threadId: "ev", readSeqs: [1, 2], wroteSeqs: [3, 4] });
  });
});
