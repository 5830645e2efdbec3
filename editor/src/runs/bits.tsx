/** Small pieces shared by the run components. */
import { useEffect, useState } from "react";
import { formatDuration } from "../format.js";

/** Time since `since` (ms epoch), ticking. */
export function Elapsed({ since, interval = 200 }: { since: number; interval?: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), interval);
    return () => clearInterval(t);
  }, [interval]);
  return <>{formatDuration(Math.max(0, now - since))}</>;
}

/** Copies `text` to the clipboard; says "Copied" for a moment. */
export function CopyButton({ text, label = "Copy", testId }: { text: string; label?: string; testId?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const t = setTimeout(() => setState("idle"), 1500);
    return () => clearTimeout(t);
  }, [state]);
  return (
    <button
      type="button"
      className="btn btn-ghost btn-sm runs-copy"
      data-testid={testId}
      aria-label={label}
      title={label}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(
          () => setState("copied"),
          () => setState("failed"),
        );
      }}
    >
      {state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : "Copy"}
    </button>
  );
}
