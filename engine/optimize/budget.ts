import { FlowtuneError } from "../errors.js";
import type { Provider, ProviderRegistry } from "../providers/types.js";

/** What the optimizer has spent so far. */
export interface Spend {
  tokens: number;
  costUsd: number;
  llmCalls: number;
}

/** Raised instead of calling a model once the token or cost budget is spent. */
export class BudgetExhaustedError extends FlowtuneError {
  constructor(what: string) {
    super("CONFLICT", `optimization budget exhausted (${what}); no further model calls are made`);
  }
}

/**
 * Wraps every provider so that calls are counted and, once a budget is reached, refused before
 * they start: the budget is a hard cap, not a target (only calls already in flight can overshoot).
 */
export function budgetedProviders(
  inner: ProviderRegistry,
  limits: { budgetTokens?: number; budgetCostUsd?: number },
  spend: Spend = { tokens: 0, costUsd: 0, llmCalls: 0 },
): { providers: ProviderRegistry; spend: Spend; exhausted: () => string | undefined } {
  const exhausted = () =>
    limits.budgetTokens !== undefined && spend.tokens >= limits.budgetTokens
      ? `${spend.tokens} of ${limits.budgetTokens} tokens`
      : limits.budgetCostUsd !== undefined && spend.costUsd >= limits.budgetCostUsd
        ? `$${spend.costUsd.toFixed(4)} of $${limits.budgetCostUsd}`
        : undefined;
  const wrap = (p: Provider): Provider => ({
    id: p.id,
    async complete(req, opts) {
      const over = exhausted();
      if (over) throw new BudgetExhaustedError(over);
      const res = await p.complete(req, opts);
      if (!res.cached) {
        spend.tokens += res.usage.totalTokens;
        spend.costUsd += res.costUsd ?? 0;
        spend.llmCalls++;
      }
      return res;
    },
  });
  const cache = new Map<string, Provider>();
  return {
    spend,
    exhausted,
    providers: {
      ids: () => inner.ids(),
      get(id) {
        const p = inner.get(id);
        if (!p) return undefined;
        let w = cache.get(id);
        if (!w) cache.set(id, (w = wrap(p)));
        return w;
      },
    },
  };
}
