import { MetricCheckError } from "../check-error.js";
import { JsonLimitError, parseJsonBounded } from "../../util/json-bounded.js";
import type { Metric } from "../types.js";

/** 1 when the actual text parses as JSON; an answer over jsonChars/jsonDepth cannot be checked (MetricCheckError). */
export const jsonValid: Metric = {
  id: "json_valid",
  description: "1 when the answer parses as JSON, else 0.",
  requires: ["actual"],
  score({ actual }) {
    try {
      parseJsonBounded(actual.trim());
      return { score: 1, feedback: "valid JSON" };
    } catch (err) {
      // Too large to check is not invalid JSON: the check fails, naming the limit.
      if (err instanceof JsonLimitError) throw new MetricCheckError(`the answer could not be checked as JSON: ${err.message}`);
      return { score: 0, feedback: `the answer is not valid JSON: ${(err as Error).message}` };
    }
  },
};
