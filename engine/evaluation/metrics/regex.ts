import { MetricCheckError } from "../check-error.js";
import { testRegexBounded } from "../regex-check.js";
import { compileSafeRegex, RegexWorkError } from "../../util/safe-regex.js";
import type { Metric } from "../types.js";

/** 1 when the actual text matches the configured regular expression (linear-time engine, bounded work: see regex-check.ts). */
export const regex: Metric = {
  id: "regex",
  description: "1 when the answer matches the regular expression `pattern`, else 0.",
  requires: ["actual", "pattern"],
  async score({ actual, pattern = "", caseSensitive }, ctx) {
    const re = compileSafeRegex(pattern, { caseInsensitive: !caseSensitive });
    let matched: boolean;
    try {
      matched = await testRegexBounded(re, actual, { caseInsensitive: !caseSensitive, owner: ctx?.owner, signal: ctx?.signal });
    } catch (err) {
      // A match that could not run within the limits is not a failed answer: the check fails, naming the limit.
      if (err instanceof RegexWorkError) throw new MetricCheckError(`the answer could not be checked against /${pattern}/: ${err.message}`);
      throw err;
    }
    return matched
      ? { score: 1, feedback: `matches /${pattern}/` }
      : { score: 0, feedback: `expected the answer to match /${pattern}/; it did not` };
  },
};
