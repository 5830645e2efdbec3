import { parseJsonBounded } from "../../util/json-bounded.js";
import type { Metric } from "../types.js";

/** 1 when the actual text parses as JSON. */
export const jsonValid: Metric = {
  id: "json_valid",
  description: "1 when the answer parses as JSON, else 0.",
  requires: ["actual"],
  score({ actual }) {
    try {
      parseJsonBounded(actual.trim());
      return { score: 1, feedback: "valid JSON" };
    } catch (err) {
      return { score: 0, feedback: `the answer is not valid JSON: ${(err as Error).message}` };
    }
  },
};
