import { compileSafeRegex, RegexWorkError } from "../../util/safe-regex.js";
import type { Metric } from "../types.js";

/** 1 when the actual text matches the configured regular expression (linear-time engine, bounded work: see safe-regex.ts). */
export const regex: Metric = {
  id: "regex",
  description: "1 when the answer matches the regular expression `pattern`, else 0.",
  requires: ["actual", "pattern"],
  score({ actual, pattern = "", caseSensitive }) {
    const re = compileSafeRegex(pattern, { caseInsensitive: !caseSensitive });
    let matched: boolean;
    try {
      matched = re.test(actual);
    } catch (err) {
      // Like an answer over jsonChars: it cannot be checked within the limits, so it does not pass.
      if (err instanceof RegexWorkError) return { score: 0, feedback: `the answer could not be checked against /${pattern}/: ${err.message}` };
      throw err;
    }
    return matched
      ? { score: 1, feedback: `matches /${pattern}/` }
      : { score: 0, feedback: `expected the answer to match /${pattern}/; it did not` };
  },
};
