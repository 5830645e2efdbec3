/** Server errors as one clear sentence: "Conflict — workflow "qa" node "answer": nothing to roll back". */
import { isTRPCClientError } from "@trpc/client";

const CODE_LABEL: Record<string, string> = {
  BAD_REQUEST: "Invalid input",
  CONFLICT: "Conflict",
  NOT_FOUND: "Not found",
  FORBIDDEN: "Not allowed",
  UNAUTHORIZED: "Signed out",
  PAYLOAD_TOO_LARGE: "Too large",
  TOO_MANY_REQUESTS: "Rate limited",
  INTERNAL_SERVER_ERROR: "Server error",
};

interface IssueLike {
  field?: string;
  path?: Array<string | number>;
  message?: string;
}

function issueText(i: IssueLike | undefined): string | undefined {
  if (!i?.message) return undefined;
  const where = i.field ?? i.path?.join(".");
  return where ? `${where}: ${i.message}` : i.message;
}

/** The server's message, prefixed with what kind of failure it was; zod input errors name their field. */
export function errorText(err: unknown): string {
  if (isTRPCClientError(err)) {
    const data = err.data as { code?: string; issues?: IssueLike[] | null } | undefined;
    const label = data?.code ? (CODE_LABEL[data.code] ?? data.code) : "Error";
    let message = err.message;
    // Input (zod) errors: the message is a JSON array of issues or "invalid input"; the formatter's issues name the field.
    if (message.startsWith("[") || message === "invalid input") {
      let issue = issueText(data?.issues?.[0]);
      if (!issue) {
        try {
          issue = issueText((JSON.parse(message) as IssueLike[])[0]);
        } catch {
          // not JSON: keep the message
        }
      }
      if (issue) message = issue;
    }
    return `${label} — ${message}`;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}
