/** The task families the sim really solves. */
export type SimTaskFamily = "arithmetic" | "sentiment" | "intent" | "extraction";

/** Every family, in the tie-break order of data-only recognition. */
export const SIM_TASK_FAMILIES: readonly SimTaskFamily[] = ["arithmetic", "sentiment", "intent", "extraction"];

/** Sentiment answers. */
export const SENTIMENT_LABELS = ["positive", "negative", "neutral"] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

/** Intent answers ("other" when no intent keyword scores ≥ 1). */
export const INTENT_LABELS = ["billing", "technical", "account", "shipping", "other"] as const;
export type IntentLabel = (typeof INTENT_LABELS)[number];
