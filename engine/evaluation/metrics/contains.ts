import type { Metric } from "../types.js";
import { normalize } from "./normalize.js";

/** 1 when the expected text occurs in the actual text. */
export const contains: Metric = {
  id: "contains",
  description: "1 when the expected text occurs inside the answer, else 0.",
  requires: ["actual", "expected"],
  score({ actual, expected = "", caseSensitive }) {
    const ok = normalize(actual, caseSensitive).includes(normalize(expected, caseSensitive));
    return ok
      ? { score: 1, feedback: `contains ${JSON.stringify(expected)}` }
      : { score: 0, feedback: `expected the answer to contain ${JSON.stringify(expected)}; it did not` };
  },
};
