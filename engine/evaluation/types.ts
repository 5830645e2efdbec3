/** What every metric returns: a score in [0, 1] and feedback a reflective optimizer can read. */
export interface MetricResult {
  score: number;
  feedback: string;
}

export interface MetricInput {
  actual: string;
  expected?: string;
  pattern?: string;
  caseSensitive: boolean;
}

/** A metric compares an actual value with an expected one. */
export interface Metric {
  readonly id: string;
  /** Config fields this metric needs; validation reports the missing ones. */
  readonly requires: ReadonlyArray<"expected" | "pattern">;
  score(input: MetricInput): MetricResult;
}
