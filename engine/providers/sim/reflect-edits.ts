import type { SimTaskFamily } from "./tasks/family.js";

/** Failure classes the reflection mode tallies (most frequent one gets an edit). */
export type FailureClass = "task" | "format" | "wrong" | "truncated";

/** The exact sentences reflection adds; each one triggers a documented prompt feature. */
export const REFLECTION_EDITS: Readonly<Record<"task" | "format" | "wrong", Readonly<Record<SimTaskFamily, string>>>> = {
  task: {
    arithmetic: "Solve the math word problem.",
    sentiment: "Classify the sentiment of the review as positive, negative or neutral.",
    intent: "Classify the intent of the customer message as billing, technical, account, shipping or other.",
    extraction: "Extract the person's name, email address and date from the text.",
  },
  format: {
    arithmetic: "Answer with only the final number, nothing else.",
    sentiment: "Reply with only one word: positive, negative or neutral.",
    intent: "Reply with only the intent label, nothing else.",
    extraction: "Return only JSON with keys name, email, date (date as YYYY-MM-DD).",
  },
  wrong: {
    arithmetic: "Think step by step, then give the final line as 'Answer: <number>'.",
    sentiment: "Pay attention to negations (\"not good\" is negative) and to contrast, because the part after \"but\" decides.",
    intent:
      "Use these intent definitions, billing means charges, refunds, invoices and payments, technical means errors, crashes, bugs and app problems, account means login, password and profile, shipping means delivery, packages and tracking, other means anything else.",
    extraction: "Use the customer's own email address, not the support address, and the name of the person writing.",
  },
};

/** Added when reasoning is already requested but arithmetic is still wrong. */
export const SELF_CHECK_EDIT = "Double-check each calculation before answering.";
/** Added for truncated replies. */
export const CONCISE_EDIT = "Be concise.";
