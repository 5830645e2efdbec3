import { compileSafeRegex } from "../../util/safe-regex.js";
import type { Metric } from "../types.js";

/** 1 when the actual text matches the configured regular expression (linear-time engine: no ReDoS). */
export const regex: Metric = {
  id: "regex",
  description: "1 when the answer matches the regular expression `pattern`, else 0.",
  requires: ["actual", "pattern"],
  score({ actual, pattern = "", caseSensitive }) {
    const re = compileSafeRegex(pattern, { caseInsensitive: !caseSensitive });
    return re.test(actual)
      ? { score: 1, feedback: `matches /${pattern}/` }
      : { score: 0, feedback: `expected the answer to match /${pattern}/; it did not` };
  },
};
