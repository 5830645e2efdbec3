import { FlowtuneError, GraphValidationError, formatIssue } from "../engine/index.js";

/** A usage error: bad flags, unreadable files, malformed --input (exit code 2). */
export class UsageError extends Error {}

/** Exit codes: 0 success, 1 a failed run or an invalid graph, 2 usage errors. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Prints an error the way a user should see it and returns the exit code for it. */
export function reportError(err: unknown): number {
  if (err instanceof UsageError) {
    process.stderr.write(`error: ${err.message}\n`);
    return EXIT.usage;
  }
  if (err instanceof GraphValidationError) {
    process.stderr.write(`invalid graph (${err.issues.length} issue${err.issues.length === 1 ? "" : "s"}):\n`);
    for (const i of err.issues) process.stderr.write(`  - ${formatIssue(i)}\n`);
    return EXIT.failed;
  }
  if (err instanceof FlowtuneError) {
    process.stderr.write(`error [${err.code}]: ${err.message}\n`);
    return EXIT.failed;
  }
  process.stderr.write(`error: ${(err as Error)?.stack ?? String(err)}\n`);
  return EXIT.failed;
}
