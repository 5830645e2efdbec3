/** One branch's contribution to a join. */
export interface BranchResponse {
  /** The node that produced it. */
  source: string;
  /** Position in input order (edge order for branches, item index for mapped lists). */
  order: number;
  /** Position in arrival order. */
  arrival: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

/** What an aggregate node outputs. */
export interface AggregateOutput {
  value: unknown;
  /** Successful values in input order. */
  responses: unknown[];
  count: number;
  failed: number;
  votes?: Record<string, number>;
  /** Winner's share of the (weighted) votes. */
  agreement?: number;
}
