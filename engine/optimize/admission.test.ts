/**
 * The budget's admission control, call by call: a call reserves an upper bound of its cost before
 * it starts and starts only if it fits beside the calls in flight; one that could fit later waits,
 * one that cannot fit is refused (and says why); a request without maxTokens gets one, so the
 * provider cannot return more than was reserved. Spend never exceeds the phase's allowance.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countPromptTokens } from "../providers/sim/tokens.js";
import { createOpenAICompatibleProvider } from "../providers/openai-compatible.js";
import { createProviderRegistry } from "../providers/registry.js";
import { createSimProvider } from "../providers/sim/index.js";
import { chatCompletionBody, startTestServer } from "../providers/test-server.js";
import type { ChatMessage, CompletionRequest, CompletionResponse, Provider } from "../providers/types.js";
import { Budget, BudgetExhaustedError, UnpricedModelError } from "./budget.js";
import { DEFAULT_REPLY_TOKENS, MIN_REPLY_TOKENS, promptTokenBound, utf8Length } from "./call-bound.js";

interface Pending {
  req: CompletionRequest;
  answer: (usage: { promptTokens: number; completionTokens: number }, extra?: Partial<CompletionResponse>) => void;
  fail: (err: Error) => void;
}

/** A provider whose calls stay in flight until the test answers them. */
function manual(id = "fake") {
  const calls: Pending[] = [];
  const provider: Provider = {
    id,
    complete: (req) =>
      new Promise<CompletionResponse>((resolve, reject) => {
        calls.push({
          req,
          answer: (u, extra) => resolve({ text: "ok", usage: { ...u, totalTokens: u.promptTokens + u.completionTokens }, latencyMs: 0, finishReason: "stop", model: req.model, ...extra }),
          fail: reject,
        });
      }),
  };
  return { calls, registry: createProviderRegistry([provider]) };
}

const msgs = (text: string): ChatMessage[] => [{ role: "user", content: text }];
const ticks = () => new Promise((r) => setTimeout(r, 5));

describe("what a call reserves", () => {
  it("the sim's prompt bound is exactly the prompt tokens the sim reports", async () => {
    const sim = createSimProvider({ latencyScale: 0 });
    const messages: ChatMessage[] = [
      { role: "system", content: "You are careful. Reply with a number." },
      { role: "user", content: "Nora has 8 pencils. She wins 7 more. How many pencils does Nora have now?" },
    ];
    const res = await sim.complete({ model: "sim-small", messages });
    expect(await promptTokenBound("sim", messages)).toBe(res.usage.promptTokens);
  });

  it("for other providers the bound is the UTF-8 length plus framing: never below the cl100k count, whatever the text", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: "binary", maxLength: 200 }), { minLength: 1, maxLength: 4 }), async (texts) => {
        const messages = texts.map((t) => ({ role: "user" as const, content: t }));
        expect(await promptTokenBound("openai-compatible", messages)).toBeGreaterThanOrEqual(countPromptTokens(messages));
        for (const t of texts) expect(utf8Length(t)).toBe(Buffer.byteLength(t, "utf8"));
      }),
      { numRuns: 200, seed: 11 },
    );
  });
});

describe("admission", () => {
  it("a request without maxTokens gets one: the room left after its prompt, at most the default", async () => {
    const small = manual();
    const budget = new Budget(small.registry, { budgetTokens: 1000, holdoutReserve: 0 });
    const prompt = await promptTokenBound("fake", msgs("hello"));
    const p = budget.providers.get("fake")!.complete({ model: "m", messages: msgs("hello") });
    await ticks();
    expect(small.calls[0].req.maxTokens).toBe(1000 - prompt);
    small.calls[0].answer({ promptTokens: 5, completionTokens: 10 });
    await p;

    const big = manual();
    const roomy = new Budget(big.registry, { budgetTokens: 1_000_000 });
    const q = roomy.providers.get("fake")!.complete({ model: "m", messages: msgs("hello") });
    await ticks();
    expect(big.calls[0].req.maxTokens).toBe(DEFAULT_REPLY_TOKENS);
    // A request that names its maxTokens is sent as it is.
    const r = roomy.providers.get("fake")!.complete({ model: "m", messages: msgs("hi"), maxTokens: 7 });
    await ticks();
    expect(big.calls[1].req.maxTokens).toBe(7);
    big.calls[0].answer({ promptTokens: 1, completionTokens: 1 });
    big.calls[1].answer({ promptTokens: 1, completionTokens: 1 });
    await Promise.all([q, r]);
  });

  it("without a cap nothing is reserved and the request is not changed", async () => {
    const m = manual();
    const budget = new Budget(m.registry, {});
    const p = budget.providers.get("fake")!.complete({ model: "m", messages: msgs("hello") });
    await ticks();
    expect(m.calls[0].req.maxTokens).toBeUndefined();
    m.calls[0].answer({ promptTokens: 3, completionTokens: 4 });
    await p;
    expect(budget.spend).toEqual({ tokens: 7, costUsd: 0, llmCalls: 1 });
  });

  it("the maxTokens set reaches an openai-compatible server as max_tokens", async () => {
    const server = await startTestServer({ fallback: { body: chatCompletionBody("fine", { usage: { prompt_tokens: 9, completion_tokens: 1, total_tokens: 10 } }) } });
    try {
      const provider = createOpenAICompatibleProvider({ baseUrl: server.baseUrl, maxRetries: 0 });
      const budget = new Budget(createProviderRegistry([provider]), { budgetTokens: 500, holdoutReserve: 0 });
      const messages = msgs("What is 2 + 2?");
      await budget.providers.get(provider.id)!.complete({ model: "gpt-4o-mini", messages });
      expect(server.requests[0].body.max_tokens).toBe(500 - (await promptTokenBound(provider.id, messages)));
      expect(budget.spend.tokens).toBe(10);
    } finally {
      await server.close();
    }
  });

  it("a call that fits only once the calls in flight settle waits for them; then it starts", async () => {
    const m = manual();
    const budget = new Budget(m.registry, { budgetTokens: 1000, holdoutReserve: 0 });
    const fake = budget.providers.get("fake")!;
    const first = fake.complete({ model: "m", messages: msgs("a"), maxTokens: 500 });
    const second = fake.complete({ model: "m", messages: msgs("b"), maxTokens: 500 });
    await ticks();
    // Each reserves 500 + its prompt bound: both together do not fit, each alone does.
    expect(m.calls).toHaveLength(1);
    m.calls[0].answer({ promptTokens: 2, completionTokens: 3 });
    await first;
    await ticks();
    expect(m.calls).toHaveLength(2);
    m.calls[1].answer({ promptTokens: 2, completionTokens: 3 });
    await second;
    expect(budget.spend).toMatchObject({ tokens: 10, llmCalls: 2 });
    expect(budget.exhausted()).toBeUndefined();
  });

  it("a call that cannot fit is not started, even with others in flight; the reason says what it needs and what remains, and the phase stays refused", async () => {
    const m = manual();
    const budget = new Budget(m.registry, { budgetTokens: 1000 });
    const fake = budget.providers.get("fake")!;
    const prompt = await promptTokenBound("fake", msgs("a"));
    const first = fake.complete({ model: "m", messages: msgs("a"), maxTokens: 300 });
    const waiting = fake.complete({ model: "m", messages: msgs("a"), maxTokens: 500 });
    await ticks();
    expect(m.calls).toHaveLength(1);
    // The first call spends all it reserved: the waiting one can no longer fit in the search's 800.
    m.calls[0].answer({ promptTokens: prompt, completionTokens: 300 });
    await first;
    const spent = prompt + 300;
    const reason = `budget exhausted (${spent} of 1000 tokens spent; 200 kept for the test re-scoring): the next call could need ${prompt + 500} tokens, ${800 - spent} remain`;
    await expect(waiting).rejects.toThrow(new BudgetExhaustedError(reason).message);
    expect(budget.exhausted()).toBe(reason);
    expect(budget.exhaustedHead()).toBe(`budget exhausted (${spent} of 1000 tokens spent; 200 kept for the test re-scoring)`);
    // Refused for the rest of the search, even a call that would fit; never sent.
    await expect(fake.complete({ model: "m", messages: msgs("a"), maxTokens: 1 })).rejects.toBeInstanceOf(BudgetExhaustedError);
    expect(m.calls).toHaveLength(1);
    expect(budget.refused).toBe(2);
    // The test re-scoring may use the reserve.
    budget.enterHoldout();
    expect(budget.exhausted()).toBeUndefined();
    const holdout = fake.complete({ model: "m", messages: msgs("a"), maxTokens: 100 });
    await ticks();
    expect(m.calls).toHaveLength(2);
    m.calls[1].answer({ promptTokens: prompt, completionTokens: 100 });
    await holdout;
    expect(budget.spend.tokens).toBeLessThanOrEqual(1000);
  });

  it("a budget smaller than one call refuses it at once, saying why", async () => {
    const m = manual();
    const budget = new Budget(m.registry, { budgetTokens: 100 });
    const prompt = await promptTokenBound("fake", msgs("a"));
    await expect(budget.providers.get("fake")!.complete({ model: "m", messages: msgs("a"), maxTokens: 256 })).rejects.toThrow(
      `budget exhausted (0 of 100 tokens spent; 20 kept for the test re-scoring): the next call could need ${prompt + 256} tokens, 80 remain`,
    );
    expect(m.calls).toHaveLength(0);
  });

  it("a waiting call gives up when its signal aborts, and holds nothing", async () => {
    const m = manual();
    const budget = new Budget(m.registry, { budgetTokens: 1000, holdoutReserve: 0 });
    const fake = budget.providers.get("fake")!;
    const first = fake.complete({ model: "m", messages: msgs("a"), maxTokens: 600 });
    const ctl = new AbortController();
    const waiting = fake.complete({ model: "m", messages: msgs("b"), maxTokens: 600 }, { signal: ctl.signal });
    await ticks();
    ctl.abort(new Error("node timed out"));
    await expect(waiting).rejects.toMatchObject({ name: "AbortError" });
    m.calls[0].answer({ promptTokens: 1, completionTokens: 1 });
    await first;
    // Nothing of the aborted call stays reserved: a call of the whole allowance minus the spend fits.
    const prompt = await promptTokenBound("fake", msgs("c"));
    const next = fake.complete({ model: "m", messages: msgs("c"), maxTokens: 1000 - 2 - prompt });
    await ticks();
    expect(m.calls).toHaveLength(2);
    m.calls[1].answer({ promptTokens: 1, completionTokens: 1 });
    await next;
  });

  it("a reply without usage is charged its whole reservation; a failed call releases its reservation", async () => {
    const m = manual();
    const budget = new Budget(m.registry, { budgetTokens: 1000, holdoutReserve: 0 });
    const fake = budget.providers.get("fake")!;
    const prompt = await promptTokenBound("fake", msgs("a"));
    const p = fake.complete({ model: "m", messages: msgs("a"), maxTokens: 50 });
    await ticks();
    m.calls[0].answer({ promptTokens: 0, completionTokens: 0 });
    await p;
    expect(budget.spend).toMatchObject({ tokens: prompt + 50, llmCalls: 1 });
    // Exactly the room left.
    const room = 1000 - (prompt + 50) - prompt;
    const q = fake.complete({ model: "m", messages: msgs("a"), maxTokens: room });
    await ticks();
    m.calls[1].fail(new Error("upstream 503"));
    await expect(q).rejects.toThrow("upstream 503");
    expect(budget.spend).toMatchObject({ tokens: prompt + 50, llmCalls: 2 });
    // Its reservation is free again: the same call fits.
    const r = fake.complete({ model: "m", messages: msgs("a"), maxTokens: room });
    await ticks();
    expect(m.calls).toHaveLength(3);
    m.calls[2].answer({ promptTokens: 1, completionTokens: 1 });
    await r;
  });
});

describe("cost caps", () => {
  it("a model without a known price is never called under a cost cap", async () => {
    const m = manual();
    const budget = new Budget(m.registry, { budgetCostUsd: 1 });
    await expect(budget.providers.get("fake")!.complete({ model: "my-local-llama", messages: msgs("a"), maxTokens: 5 })).rejects.toBeInstanceOf(UnpricedModelError);
    expect(m.calls).toHaveLength(0);
  });

  it("reserves the priced bound: a call whose worst case does not fit the remaining dollars is refused", async () => {
    const m = manual();
    // gpt-4o: $0.0025 / 1k prompt, $0.01 / 1k reply. 1,000 reply tokens may cost $0.01; the search has $0.008.
    const budget = new Budget(m.registry, { budgetCostUsd: 0.01 });
    await expect(budget.providers.get("fake")!.complete({ model: "gpt-4o", messages: msgs("a"), maxTokens: 1000 })).rejects.toThrow(
      /^budget exhausted \(\$0\.0000 of \$0\.01 spent; \$0\.0020 kept for the test re-scoring\): the next call could cost \$0\.010\d, \$0\.0080 remain/,
    );
    expect(m.calls).toHaveLength(0);
  });

  it("a call that fits is sent, and charged from the price table when the provider reports no cost", async () => {
    const m = manual();
    const budget = new Budget(m.registry, { budgetCostUsd: 0.01 });
    const p = budget.providers.get("fake")!.complete({ model: "gpt-4o", messages: msgs("a"), maxTokens: 100 });
    await ticks();
    m.calls[0].answer({ promptTokens: 400, completionTokens: 100 });
    await p;
    expect(budget.spend.costUsd).toBeCloseTo(0.002, 12);
  });
});

describe("the allowance holds whatever the calls", () => {
  it("random concurrent calls with usage within their bound: spend never exceeds the allowance, and a refusal is only for a call that could not fit", async () => {
    const call = fc.record({
      text: fc.string({ maxLength: 40 }),
      maxTokens: fc.option(fc.integer({ min: 1, max: 400 }), { nil: undefined }),
      // The share of its bound the call actually uses, and when it answers.
      used: fc.double({ min: 0, max: 1, noNaN: true }),
      delay: fc.integer({ min: 0, max: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 24 }), fc.integer({ min: 50, max: 3000 }), fc.constantFrom(0, 0.2, 0.5), async (calls, cap, reserve) => {
        const allowance = Math.floor(cap * (1 - reserve));
        const provider: Provider = {
          id: "fake",
          async complete(req) {
            const prompt = await promptTokenBound("fake", req.messages);
            const reply = Math.floor((req.maxTokens ?? 0) * calls[Number(req.messages[0].content.split("|")[0])].used);
            await new Promise((r) => setTimeout(r, calls[Number(req.messages[0].content.split("|")[0])].delay));
            return { text: "", usage: { promptTokens: prompt, completionTokens: reply, totalTokens: prompt + reply }, latencyMs: 0, finishReason: "stop", model: req.model };
          },
        };
        const budget = new Budget(createProviderRegistry([provider]), { budgetTokens: cap, holdoutReserve: reserve });
        const fake = budget.providers.get("fake")!;
        const refusedNeeds: number[] = [];
        await Promise.all(
          calls.map(async (c, i) => {
            const messages = msgs(`${i}|${c.text}`);
            const need = (await promptTokenBound("fake", messages)) + (c.maxTokens ?? MIN_REPLY_TOKENS);
            try {
              await fake.complete({ model: "m", messages, maxTokens: c.maxTokens });
              expect(budget.spend.tokens).toBeLessThanOrEqual(allowance);
            } catch (err) {
              expect(err).toBeInstanceOf(BudgetExhaustedError);
              refusedNeeds.push(need);
            }
          }),
        );
        expect(budget.spend.tokens).toBeLessThanOrEqual(allowance);
        // No spurious refusal: the call that ended the phase could not fit beside what was spent.
        if (refusedNeeds.length) expect(Math.max(...refusedNeeds)).toBeGreaterThan(allowance - budget.spend.tokens);
      }),
      { numRuns: 60, seed: 9 },
    );
  });
});
