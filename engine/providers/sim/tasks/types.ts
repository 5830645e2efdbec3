import type { SimTaskFamily } from "./family.js";

/** One analysed task item: what the sim needs to answer it and to know how hard it is. */
export interface TaskCase {
  /** Canonical form of the data; keys every per-item draw (so rewording the prompt does not re-roll it). */
  key: string;
  /** Difficulty in logit units, subtracted from the correctness logit. */
  difficulty: number;
  /** Hard traits of the item (e.g. "negation", "ambiguous"); hints aimed at them add a bonus. */
  traits: string[];
  /** Extra logit step-by-step reasoning gives on this item. */
  cotBonus: number;
}

/** How the answer is written, decided by prompt features. */
export interface RenderStyle {
  /** Extraction: dates as YYYY-MM-DD (else as written in the text). */
  isoDate: boolean;
  /** Extraction: keys name/email/date (else full_name/email_address/date). */
  standardKeys: boolean;
  /** Shorter reasoning and chatty replies. */
  concise: boolean;
  /** Adds a check line to the reasoning. */
  selfCheck: boolean;
}

/** A family solver: recognizes, solves, errs plausibly and writes answers. */
export interface Solver<C extends TaskCase, A> {
  family: SimTaskFamily;
  /** How strongly the data alone looks like this family (0 = not at all). */
  dataScore(data: string): number;
  /** Parses and solves the data; undefined when this solver cannot handle it. */
  analyze(data: string): C | undefined;
  /** The correct answer. */
  truth(c: C): A;
  /** A plausible wrong answer; `pick` in [0, 1) chooses the kind of mistake. */
  wrong(c: C, pick: number): A;
  equal(a: A, b: A): boolean;
  /** The bare answer ("14", "positive", the JSON object text). */
  bare(a: A, c: C, style: RenderStyle): string;
  /** The answer inside a chatty sentence; `pick` chooses the wording. */
  chatty(a: A, c: C, pick: number, style: RenderStyle): string;
  /** Reasoning lines that lead to `a` (without the final answer line). */
  reasoning(a: A, c: C, style: RenderStyle): string[];
  /** The answer as a JSON value (responseFormat "json"). */
  json(a: A, c: C, style: RenderStyle): unknown;
  /** Reads an answer out of a reply (bare, chatty, "Answer: X" or JSON); used for demos and judging. */
  read(text: string, c: C): A | undefined;
}
