import { afterEach, describe, expect, it, vi } from "vitest";
import type { CompletionRequest } from "../types.js";
import { countPromptTokens } from "./tokens.js";
import { createSimProvider, SIM_MODELS } from "./index.js";

const Q = "Sam has 12 apples. He buys 5 more and gives away 3. How many apples does Sam have now?";
const req = (over: Partial<CompletionRequest> = {}): CompletionRequest => ({
  model: "sim-medium",
  messages: [
    { role: "system", content: "Solve the math word problem. Think step by step. Answer with only the number." },
    { role: "user", content: Q },
  ],
  ...over,
});

afterEach(() => vi.restoreAllMocks());

describe("sim provider", () => {
  it("is deterministic: same request, same reply and usage", async () => {
    const a = await createSimProvider({ latencyScale: 0 }).complete(req({ temperature: 0.7, seed: 3 }));
    const b = await createSimProvider({ latencyScale: 0 }).complete(req({ temperature: 0.7, seed: 3 }));
    expect(b).toEqual(a);
    expect(a.model).toBe("sim-medium");
  });

  it("counts prompt tokens with the real tokenizer and prices the call", async () => {
    const r = await createSimProvider({ latencyScale: 0 }).complete(req());
    expect(r.usage.promptTokens).toBe(countPromptTokens(req().messages));
    expect(r.usage.totalTokens).toBe(r.usage.promptTokens + r.usage.completionTokens);
    const m = SIM_MODELS.find((x) => x.id === "sim-medium")!;
    expect(r.costUsd).toBeCloseTo((r.usage.promptTokens * m.inputPricePer1k + r.usage.completionTokens * m.outputPricePer1k) / 1000, 12);
    expect(r.latencyMs).toBeGreaterThan(m.latency.baseMs);
  });

  it("truncates at maxTokens with finishReason length (reasoning loses its final answer)", async () => {
    const sim = createSimProvider({ latencyScale: 0 });
    const full = await sim.complete(req());
    expect(full.finishReason).toBe("stop");
    expect(full.text).toMatch(/Answer: 14$/);
    const cut = await sim.complete(req({ maxTokens: 10 }));
    expect(cut.finishReason).toBe("length");
    expect(cut.usage.completionTokens).toBe(10);
    expect(cut.text).not.toContain("Answer:");
  });

  it("with latencyScale 0 never touches timers", async () => {
    const spy = vi.spyOn(globalThis, "setTimeout");
    await createSimProvider({ latencyScale: 0 }).complete(req());
    expect(spy).not.toHaveBeenCalled();
  });

  it("waits the scaled latency and rejects with AbortError when aborted mid-wait", async () => {
    const sim = createSimProvider({ latencyScale: 1 });
    const ctrl = new AbortController();
    const started = Date.now();
    const pending = sim.complete(req({ model: "sim-large" }), { signal: ctrl.signal });
    setTimeout(() => ctrl.abort(new Error("cancelled by test")), 20);
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    expect(Date.now() - started).toBeLessThan(500);
  });

  it("rejects at once when the signal is already aborted", async () => {
    const ctrl = new AbortController();
    ctrl.abort();
    await expect(createSimProvider({ latencyScale: 0 }).complete(req(), { signal: ctrl.signal })).rejects.toMatchObject({ name: "AbortError" });
  });

  it("rejects unknown models with a non-retryable provider error", async () => {
    await expect(createSimProvider({ latencyScale: 0 }).complete(req({ model: "gpt-9" }))).rejects.toMatchObject({
      code: "PROVIDER_ERROR",
      retryable: false,
    });
  });

  it("trades price and latency against model size", async () => {
    const sim = createSimProvider({ latencyScale: 0 });
    const [small, medium, large] = await Promise.all(SIM_MODELS.map((m) => sim.complete(req({ model: m.id }))));
    expect(small.costUsd!).toBeLessThan(medium.costUsd!);
    expect(medium.costUsd!).toBeLessThan(large.costUsd!);
    expect(small.latencyMs).toBeLessThan(medium.latencyMs);
    expect(medium.latencyMs).toBeLessThan(large.latencyMs);
  });

  it("answers unknown requests with a generic echo", async () => {
    const r = await createSimProvider({ latencyScale: 0 }).complete({ model: "sim-small", messages: [{ role: "user", content: "Write a haiku about spring." }] });
    expect(r.text).toContain("haiku about spring");
    expect(r.finishReason).toBe("stop");
  });
});
