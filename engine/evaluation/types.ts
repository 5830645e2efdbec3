import type { ProviderRegistry, TokenUsage } from "../providers/types.js";
import type { EvaluationNode } from "../schema/graph.js";

type Config = EvaluationNode["config"];

/** Id of a metric, as an evaluation node's `config.metric` names it. */
export type MetricId = Config["metric"];

/** What every metric returns: a score in [0, 1] and feedback a reflective optimizer can read. */
export interface MetricResult {
  score: number;
  feedback: string;
  /** The measured quantity when the metric measures one: ms, tokens, USD, the number read, the F1… */
  value?: number;
  /** Tokens the metric itself spent (llm_judge), added to the run's usage. */
  usage?: TokenUsage;
  /** USD the metric itself spent (llm_judge), added to the run's cost. */
  costUsd?: number;
}

/** A metric's rendered inputs and configuration (templates already rendered). */
export interface MetricInput {
  actual: string;
  expected?: string;
  pattern?: string;
  caseSensitive: boolean;
  /** json_schema: the JSON Schema (subset documented in docs/metrics.md). */
  schema?: Record<string, unknown>;
  /** numeric: allowed error. */
  tolerance?: Config["tolerance"];
  /** llm_judge: grading criteria. */
  rubric?: string;
  /** llm_judge: the question the answer responds to. */
  question?: string;
  /** llm_judge: the grading model (default sim / sim-medium). */
  judge?: Config["judge"];
  /** latency, tokens, cost: the measured AI node's id. */
  target?: string;
  /** latency, tokens, cost: the limit. */
  budget?: Config["budget"];
  /** cost: USD per 1k tokens, overriding the price table. */
  price?: Config["price"];
}

/** What a metric may use besides its input: providers for judges, upstream outputs for usage metrics. */
export interface MetricContext {
  providers?: ProviderRegistry;
  signal?: AbortSignal;
  /** Outputs of the nodes that already ran, by node id (the template scope's `nodes`). */
  nodes?: Record<string, unknown>;
  /** Who the check is for (the run, or the optimization running it): work the metric moves to a worker takes this owner's turn. */
  owner?: string;
}

/** A config field a metric cannot do without; validation names the missing ones. */
export type MetricField = "actual" | "expected" | "pattern" | "schema" | "rubric" | "target" | "budget.maxLatencyMs" | "budget.maxTokens" | "budget.maxCostUsd";

/**
 * A metric scores one example; it may be async (a judge calls a model, a big regex match runs in a
 * worker). A check that cannot run within the resource limits throws (MetricCheckError), never scores 0.
 */
export interface Metric {
  readonly id: MetricId;
  /** One line for docs and editors. */
  readonly description: string;
  /** Config fields this metric needs; validation reports the missing ones. */
  readonly requires: ReadonlyArray<MetricField>;
  score(input: MetricInput, ctx?: MetricContext): MetricResult | Promise<MetricResult>;
}
