/**
 * What the page knows about the session when it loads. Opened from a login link
 * (`/login#code=ftl_…`), it first trades the one-time code for a session cookie and drops the
 * code from the address bar; then it asks the server who is signed in.
 *
 * Runs once per page load (memoized at module level): a login code is single-use, so React's
 * development double effects must not send it twice.
 */
import { AuthApiError, fetchSession, login, type Session } from "./api.js";
import { loginCodeFromLocation } from "./credential.js";

export type BootResult = { session: Session } | { session: null; error?: string };

async function boot(): Promise<BootResult> {
  const code = loginCodeFromLocation(window.location);
  if (code) {
    try {
      return { session: await login({ code }) };
    } catch (err) {
      // A used or expired link: carry on with the session the browser may already have.
      const session = await fetchSession().catch(() => null);
      if (session) return { session };
      return { session: null, error: linkError(err) };
    } finally {
      window.history.replaceState(null, "", "/");
    }
  }
  try {
    return { session: await fetchSession() };
  } catch (err) {
    return { session: null, error: (err as Error).message };
  }
}

function linkError(err: unknown): string {
  const message = (err as Error).message;
  return err instanceof AuthApiError && err.status === 401 ? `This login link did not work: ${message}` : message;
}

let once: Promise<BootResult> | null = null;

export function bootOnce(): Promise<BootResult> {
  return (once ??= boot());
}
