/** Readable text from what an HTTP provider answered or how a request failed (shared by chat calls and model listing). */

/** Best human message from an error body: OpenAI `error.message`, Ollama `error`, vLLM `message`, FastAPI `detail`. */
export function serverMessage(text: string, fallback: string): string {
  try {
    const j: unknown = JSON.parse(text);
    if (isRecord(j)) {
      const e = j.error;
      if (isRecord(e) && typeof e.message === "string") return e.message;
      if (typeof e === "string") return e;
      if (typeof j.message === "string") return j.message;
      if (typeof j.detail === "string") return j.detail;
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return snippet(text) || fallback || "(empty body)";
}

/** `text` on one line, cut at `max` characters. */
export function snippet(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** A network failure as one line; undici hides the useful part ("connect ECONNREFUSED …") in `cause`. */
export function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause;
  if (cause instanceof Error && cause.message && cause.message !== err.message) return `${err.message} (${cause.message})`;
  return err.message;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
