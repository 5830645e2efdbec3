import { generateArithmeticRows, type ArithmeticRow } from "./tasks/arithmetic-gen.js";
import type { SentimentLabel, SimTaskFamily } from "./tasks/family.js";
import { createRng } from "./rng.js";
import { generateReview, generateSentimentRows, type SentimentRow } from "./tasks/sentiment-gen.js";
import { generateExtractionRows, generateTicketRows, type ExtractionRow, type TicketRow } from "./tasks/tickets-gen.js";

/** A row of examples/map.dataset.jsonl: several reviews and their labels. */
export interface MapRow {
  reviews: string[];
  expected: SentimentLabel[];
}

export interface TaskRowTypes {
  arithmetic: ArithmeticRow;
  sentiment: SentimentRow;
  intent: TicketRow;
  extraction: ExtractionRow;
}

/** Fresh, deterministic rows of a task family (same family + count + seed → same rows). */
export function generateTaskRows<F extends SimTaskFamily>(family: F, count: number, seed = 1): Array<TaskRowTypes[F]> {
  const rows: Record<SimTaskFamily, () => unknown[]> = {
    arithmetic: () => generateArithmeticRows(count, seed),
    sentiment: () => generateSentimentRows(count, seed),
    intent: () => generateTicketRows(count, seed),
    extraction: () => generateExtractionRows(count, seed),
  };
  return rows[family]() as Array<TaskRowTypes[F]>;
}

/** Deterministic map rows: 3–6 reviews each with their labels. */
export function generateMapRows(count: number, seed = 1): MapRow[] {
  const rng = createRng(seed * 49979687 + 5);
  const labels: SentimentLabel[] = ["positive", "negative", "neutral"];
  return Array.from({ length: count }, () => {
    const items = Array.from({ length: rng.int(3, 6) }, () => generateReview(rng, rng.pick(labels)));
    return { reviews: items.map((r) => r.review), expected: items.map((r) => r.expected) };
  });
}
