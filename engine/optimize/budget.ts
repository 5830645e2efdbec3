import { FlowtuneError } from "../errors.js";
import { costOf, lookupPrice, type ModelPrice } from "../evaluation/prices.js";
import type { CompletionRequest, CompletionResponse, Provider, ProviderRegistry } from "../providers/types.js";
import { DEFAULT_REPLY_TOKENS, MIN_REPLY_TOKENS, promptTokenBound } from "./call-bound.js";
import { InFlight, type Amount } from "./in-flight.js";
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

/** Raised instead of calling a model when the call may not fit in the budget (of the current phase). */
export class BudgetExhaustedError extends FlowtuneError {
  constructor(reason: string) {
    super("CONFLICT", `${reason}; no further model calls are made`);
  }
}

/** Raised instead of calling a model whose price is unknown while a cost cap is set (the cap could not be held). */
export class UnpricedModelError extends FlowtuneError {
  constructor(providerId: string, model: string) {
    super("INPUT_INVALID", `a cost cap (budgetCostUsd) cannot be held for model "${model}" of provider "${providerId}": its price is unknown; cap tokens (budgetTokens) instead`, { field: "limits.budgetCostUsd" });
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

// Float slack for USD comparisons (sums of per-call costs drift by ~1e-16).
const USD_EPSILON = 1e-12;

/** Why the budget refuses calls: the totals part ("budget exhausted (… spent…)") and, when a call was refused, why it did not fit. */
interface Refusal {
  head: string;
  detail?: string;
}

/** A call admitted by the budget: the request as sent (with a maxTokens) and what it holds. */
interface Ticket {
  request: CompletionRequest;
  hold: Amount;
  price?: ModelPrice;
}

/**
 * An optimization's spend and its hard caps, enforced by admission control. Every provider call
 * goes through `providers`; before it starts it reserves an upper bound of its cost (prompt tokens
 * as counted by call-bound.ts + its maxTokens, priced when a cost cap is set), and it starts only
 * if spent + reserved by the calls in flight + its reservation fits the current phase's allowance
 * (the search: the cap minus the holdout reserve; the test re-scoring: the cap). A call that could
 * fit once the calls in flight settle waits for them; one that cannot fit even then is refused
 * (BudgetExhaustedError), and from then on so is every call of the phase. On completion the
 * reservation is released and the actual usage recorded, and the result is handed back only
 * after the new totals are durable. So the recorded spend never exceeds the cap, as long as
 * providers honour maxTokens.
 */
export class Budget {
  readonly spend: Spend;
  readonly providers: ProviderRegistry;
  /** Calls refused because the budget was spent (in this attempt). */
  refused = 0;
  private phase: "search" | "holdout" = "search";
  private refusal: Refusal | undefined;
  private readonly inFlight = new InFlight();
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
    this.refusal = undefined;
    this.inFlight.changed();
  }

  /** Why no further call may start in the current phase (with why the last one did not fit), or undefined while the budget allows. */
  exhausted(): string | undefined {
    const r = this.refusal ?? this.spentOut();
    return r && (r.detail ? `${r.head}: ${r.detail}` : r.head);
  }

  /** Like exhausted(), the totals part only ("budget exhausted (2400 of 3000 tokens spent; …)"). */
  exhaustedHead(): string | undefined {
    return (this.refusal ?? this.spentOut())?.head;
  }

  /** Waits until the current totals are recorded. */
  flush(): Promise<void> {
    return this.recorder.flush();
  }

  /** The tokens / USD the current phase may spend in all. */
  private allowance(): Amount {
    const share = this.phase === "search" ? 1 - this.reserve : 1;
    return {
      tokens: this.limits.budgetTokens === undefined ? Infinity : Math.floor(this.limits.budgetTokens * share),
      costUsd: this.limits.budgetCostUsd === undefined ? Infinity : this.limits.budgetCostUsd * share,
    };
  }

  private head(unit: "tokens" | "usd"): string {
    const keep = this.phase === "search" && this.reserve > 0;
    if (unit === "tokens") {
      const cap = this.limits.budgetTokens!;
      return `${BUDGET_EXHAUSTED} (${this.spend.tokens} of ${cap} tokens spent${keep ? `; ${cap - this.allowance().tokens} kept for the test re-scoring` : ""})`;
    }
    const cap = this.limits.budgetCostUsd!;
    return `${BUDGET_EXHAUSTED} ($${this.spend.costUsd.toFixed(4)} of $${cap} spent${keep ? `; $${(cap - this.allowance().costUsd).toFixed(4)} kept for the test re-scoring` : ""})`;
  }

  // The phase's allowance is used up even without a refused call.
  private spentOut(): Refusal | undefined {
    const allow = this.allowance();
    if (this.spend.tokens >= allow.tokens) return { head: this.head("tokens") };
    if (this.spend.costUsd + USD_EPSILON >= allow.costUsd) return { head: this.head("usd") };
    return undefined;
  }

  private refuse(r: Refusal): never {
    this.refusal ??= r;
    this.refused++;
    // Calls waiting for room will not get any in this phase.
    this.inFlight.changed();
    throw new BudgetExhaustedError(this.exhausted()!);
  }

  /**
   * Waits until the request fits beside the calls in flight and reserves its bound, or refuses it
   * when it cannot fit even alone. A request without maxTokens gets one: the room left after its
   * prompt, at most DEFAULT_REPLY_TOKENS, so the provider cannot return more than was reserved.
   */
  private async admit(providerId: string, req: CompletionRequest, signal: AbortSignal | undefined): Promise<Ticket> {
    const price = lookupPrice(req.model);
    if (this.limits.budgetCostUsd !== undefined && !price) throw new UnpricedModelError(providerId, req.model);
    const prompt = await promptTokenBound(providerId, req.messages);
    for (;;) {
      if (this.refusal) this.refuse(this.refusal);
      const allow = this.allowance();
      const left = { tokens: allow.tokens - this.spend.tokens, costUsd: allow.costUsd - this.spend.costUsd };
      const promptUsd = price ? costOf({ promptTokens: prompt, completionTokens: 0 }, price) : 0;
      const usdPerReplyToken = price ? price.outputPer1k / 1000 : 0;
      // Reply tokens the allowance has room for after the prompt (as if nothing else were in flight).
      const room = Math.min(left.tokens - prompt, usdPerReplyToken > 0 ? Math.floor((left.costUsd - promptUsd + USD_EPSILON) / usdPerReplyToken) : Infinity);
      const reply = req.maxTokens ?? Math.min(DEFAULT_REPLY_TOKENS, room);
      const least = req.maxTokens ?? MIN_REPLY_TOKENS;
      const need: Amount = { tokens: prompt + least, costUsd: promptUsd + least * usdPerReplyToken };
      if (need.tokens > left.tokens) this.refuse({ head: this.head("tokens"), detail: `the next call could need ${need.tokens} tokens, ${Math.max(0, left.tokens)} remain` });
      if (need.costUsd > left.costUsd + USD_EPSILON) {
        this.refuse({ head: this.head("usd"), detail: `the next call could cost $${need.costUsd.toFixed(4)}, $${Math.max(0, left.costUsd).toFixed(4)} remain` });
      }
      const hold: Amount = { tokens: prompt + reply, costUsd: promptUsd + reply * usdPerReplyToken };
      const reserved = this.inFlight.reserved;
      if (hold.tokens + reserved.tokens <= left.tokens && hold.costUsd + reserved.costUsd <= left.costUsd + USD_EPSILON) {
        this.inFlight.hold(hold);
        return { request: req.maxTokens === undefined ? { ...req, maxTokens: reply } : req, hold, price };
      }
      // It fits once calls in flight settle (they can only add to the spend: checked again then).
      await this.inFlight.next(signal);
    }
  }

  private wrap(p: Provider): Provider {
    return {
      id: p.id,
      complete: async (req, opts) => {
        const capped = this.limits.budgetTokens !== undefined || this.limits.budgetCostUsd !== undefined;
        const ticket = capped ? await this.admit(p.id, req, opts?.signal) : undefined;
        let res: CompletionResponse;
        try {
          res = await p.complete(ticket?.request ?? req, opts);
        } catch (err) {
          // A failed call was still a call (it may be billed); its tokens are unknown.
          if (ticket) this.inFlight.release(ticket.hold);
          this.spend.llmCalls++;
          this.recorder.changed();
          await this.recorder.flush().catch(() => undefined);
          throw err;
        }
        if (!res.cached) {
          const used = this.charge(req, res, ticket);
          this.spend.tokens += used.tokens;
          this.spend.costUsd += used.costUsd;
          this.spend.llmCalls++;
          this.recorder.changed();
        }
        if (ticket) this.inFlight.release(ticket.hold);
        // Nothing may build on this result before its spend is durable.
        await this.recorder.flush();
        return res;
      },
    };
  }

  /**
   * What a completed call is charged: its reported usage and cost (priced from the table when the
   * provider reports none); a reply without usage is charged its whole reservation.
   */
  private charge(req: CompletionRequest, res: CompletionResponse, ticket: Ticket | undefined): Amount {
    const price = ticket?.price ?? lookupPrice(req.model);
    if (ticket && res.usage.totalTokens === 0) return { tokens: ticket.hold.tokens, costUsd: res.costUsd ?? ticket.hold.costUsd };
    return { tokens: res.usage.totalTokens, costUsd: res.costUsd ?? (price ? costOf(res.usage, price) : 0) };
  }
}
