/** The task families the sim really solves. */
export type SimTaskFamily = "arithmetic" | "sentiment" | "intent" | "extraction";

export const SIM_TASK_FAMILIES: readonly SimTaskFamily[] = ["arithmetic", "sentiment", "intent", "extraction"];

export const SENTIMENT_LABELS = ["positive", "negative", "neutral"] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

export const INTENT_LABELS = ["billing", "technical", "account", "shipping", "other"] as const;
export type IntentLabel = (typeof INTENT_LABELS)[number];
