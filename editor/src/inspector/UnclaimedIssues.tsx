/** The node form's catch-all box: the issues no control showed (e.g. a field the form has no control for). */
import { useLayoutEffect, useState } from "react";
import type { GraphIssue } from "../../../engine/browser.js";
import { NO_ISSUES } from "../document/validation.js";
import { OtherIssues } from "./fields.js";

/**
 * Lists the `issues` whose field no entry of `claimed` covers. The per-kind field groups claim
 * while they render, which is after the form's own render: so the claims are read in a layout
 * effect, once the whole form has rendered (before the browser paints).
 */
export function UnclaimedIssues({ issues, claimed, testId }: { issues: readonly GraphIssue[]; claimed: readonly string[]; testId?: string }) {
  const [others, setOthers] = useState<GraphIssue[]>(NO_ISSUES);
  useLayoutEffect(() => {
    const next = issues.filter((i) => !claimed.some((f) => i.field === f || i.field?.startsWith(`${f}.`)));
    setOthers((prev) => (prev.length === next.length && prev.every((p, k) => p === next[k]) ? prev : next));
  });
  return <OtherIssues issues={others} testId={testId} />;
}
