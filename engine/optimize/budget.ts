import { FlowtuneError } from "../errors.js";
import type { Provider, ProviderRegistry } from "../providers/types.js";
import { SpendRecorder } from "./spend-recorder.js";

/** What the optimizer has spent so far. */
export interface Spend {
  tokens: number;
  costUsd: number;
  llmCalls: number;
}

/** Share of a budget kept for the test re-scoring when `limits.holdoutReserve` is not set. */
export const DEFAULT_HOLDOUT_RESERVE = 0.2;

/** Every budget stop reason starts with this (the machine-readable part of a stop reason). */
export const BUDGET_EXHAUSTED = "budget exhausted";

/** True when a stop reason (or an example's error) says the budget ran out. */
export function isBudgetStop(reason: string | null | undefined): boolean {
  return typeof reason === "string" && reason.startsWith(BUDGET_EXHAUSTED);
}

/** Raised instead of calling a model once the budget (of the current phase) is spent. */
export class BudgetExhaustedError extends FlowtuneError {
  constructor(reason: string) {
    super("CONFLICT", `${reason}; no further model calls are made`);
  }
}

export interface BudgetLimits {
  budgetTokens?: number;
  budgetCostUsd?: number;
  /** Fraction of each budget the search leaves for the test re-scoring (default 0.2). */
  holdoutReserve?: number;
}

export interface BudgetOptions {
  /** Totals already recorded for this run (a resume starts from them, not from zero). */
  spend?: Spend;
  /** Records the totals durably; a call's result is handed back only once its spend is recorded. */
  save?: (spend: Spend) => Promise<void>;
}

/**
 * An optimization's spend and its hard caps. Every provider call goes through `providers`: a call
 * starts only while the cap of the current phase is not reached (the search may use the budget
 * minus the holdout reserve, the test re-scoring all of it), is counted when it returns, and its
 * result is released only after the new totals are recorded. So the cap is exceeded by at most
 * the calls in flight when it was reached, and a killed process loses at most the calls in flight.
 */
export class Budget {
  readonly spend: Spend;
  readonly providers: ProviderRegistry;
  /** Calls refused because the budget was spent (in this attempt). */
  refused = 0;
  private phase: "search" | "holdout" = "search";
  private readonly recorder: SpendRecorder;
  private readonly reserve: number;

  constructor(
    private readonly inner: ProviderRegistry,
    private readonly limits: BudgetLimits,
    opts: BudgetOptions = {},
  ) {
    this.spend = { tokens: 0, costUsd: 0, llmCalls: 0, ...opts.spend };
    this.recorder = new SpendRecorder(this.spend, opts.save);
    this.reserve = Math.min(0.9, Math.max(0, limits.holdoutReserve ?? DEFAULT_HOLDOUT_RESERVE));
    const wrapped = new Map<string, Provider>();
    this.providers = {
      ids: () => inner.ids(),
      get: (id) => {
        const p = inner.get(id);
        if (!p) return undefined;
        let w = wrapped.get(id);
        if (!w) wrapped.set(id, (w = this.wrap(p)));
        return w;
      },
    };
  }

  /** From now on calls may use the whole budget (the reserve is for the test re-scoring). */
  enterHoldout(): void {
    this.phase = "holdout";
  }

  /** Why no further call may start in the current phase, or undefined while the budget allows. */
  exhausted(): string | undefined {
    const share = this.phase === "search" ? 1 - this.reserve : 1;
    const reserved = this.phase === "search" && this.reserve > 0;
    const { budgetTokens, budgetCostUsd } = this.limits;
    if (budgetTokens !== undefined && this.spend.tokens >= Math.floor(budgetTokens * share)) {
      return `${BUDGET_EXHAUSTED} (${this.spend.tokens} of ${budgetTokens} tokens spent${reserved ? `; ${budgetTokens - Math.floor(budgetTokens * share)} kept for the test re-scoring` : ""})`;
    }
    if (budgetCostUsd !== undefined && this.spend.costUsd >= budgetCostUsd * share) {
      return `${BUDGET_EXHAUSTED} ($${this.spend.costUsd.toFixed(4)} of $${budgetCostUsd} spent${reserved ? `; $${(budgetCostUsd * this.reserve).toFixed(4)} kept for the test re-scoring` : ""})`;
    }
    return undefined;
  }

  /** Waits until the current totals are recorded. */
  flush(): Promise<void> {
    return this.recorder.flush();
  }

  private wrap(p: Provider): Provider {
    return {
      id: p.id,
      complete: async (req, opts) => {
        const over = this.exhausted();
        if (over) {
          this.refused++;
          throw new BudgetExhaustedError(over);
        }
        let res;
        try {
          res = await p.complete(req, opts);
        } catch (err) {
          // A failed call was still a call (it may be billed); its tokens are unknown.
          this.spend.llmCalls++;
          this.recorder.changed();
          await this.recorder.flush().catch(() => undefined);
          throw err;
        }
        if (!res.cached) {
          this.spend.tokens += res.usage.totalTokens;
          this.spend.costUsd += res.costUsd ?? 0;
          this.spend.llmCalls++;
          this.recorder.changed();
        }
        // Nothing may build on this result before its spend is durable.
        await this.recorder.flush();
        return res;
      },
    };
  }
}
