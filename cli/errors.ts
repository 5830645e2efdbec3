import { ZodError } from "zod";
import { FlowtuneError, GraphValidationError, formatIssue } from "../engine/index.js";
import { printable } from "./format.js";

/** A usage error: bad flags, unreadable files, malformed --input (exit code 2). */
export class UsageError extends Error {}

/**
 * Exit codes: 0 success (an optimization whose search finished), 1 a failed run, an invalid graph
 * or any other failure, 2 usage errors, 3 an optimization that completed because a budget ran out.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, budgetExhausted: 3 } as const;

/** Prints an error the way a user should see it (one message, no stack unless FLOWTUNE_DEBUG=1) and returns the exit code for it. */
// Error text can quote user data (names, reasons, file contents): control characters print escaped.
const writeErr = (text: string) => process.stderr.write(printable(text.replace(/\n$/, "")) + "\n");

export function reportError(err: unknown): number {
  if (err instanceof UsageError) {
    writeErr(`error: ${err.message}\n`);
    return EXIT.usage;
  }
  if (err instanceof GraphValidationError) {
    writeErr(`invalid graph (${err.issues.length} issue${err.issues.length === 1 ? "" : "s"}):\n`);
    for (const i of err.issues) writeErr(`  - ${formatIssue(i)}\n`);
    return EXIT.failed;
  }
  if (err instanceof FlowtuneError) {
    writeErr(`error [${err.code}]: ${err.message}\n`);
    return EXIT.failed;
  }
  // A schema refusal that got past the commands' own checks: its fields, not a stack.
  if (err instanceof ZodError) {
    writeErr(`error: invalid input: ${err.issues.map((i) => `${i.path.map(String).join(".") || "(value)"}: ${i.message}`).join("; ")}\n`);
    return EXIT.usage;
  }
  const message = err instanceof Error ? err.message : String(err);
  writeErr(`error: ${message}\n`);
  if (process.env.FLOWTUNE_DEBUG === "1" && err instanceof Error && err.stack) writeErr(`${err.stack}\n`);
  return EXIT.failed;
}
