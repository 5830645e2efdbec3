/**
 * The browser side of the server's session API (/api/auth/*). The session itself is an HttpOnly
 * cookie the page never sees; what the page keeps is the user and the CSRF token that every
 * state-changing request must echo in the `x-flowtune-csrf` header.
 */
export type Role = "viewer" | "editor" | "admin";

export interface SessionUser {
  name: string;
  role: Role;
  /** The workflows this user may see; null for all of them. */
  workflows: string[] | null;
}

export interface Session {
  user: SessionUser;
  csrfToken: string;
}

export type Credential = { code: string } | { token: string };

export const CSRF_HEADER = "x-flowtune-csrf";

/** A failed auth request, with the server's own message when it sent one. */
export class AuthApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = "AuthApiError";
  }
}

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(path, { ...init, credentials: "same-origin", headers: { Accept: "application/json", ...init.headers } });
  } catch {
    throw new AuthApiError("Could not reach the Flowtune server. Is it running?", 0);
  }
}

async function fail(res: Response): Promise<never> {
  let body: { error?: { code?: string; message?: string } } | undefined;
  try {
    body = (await res.json()) as typeof body;
  } catch {
    // Not JSON (a proxy's error page, say): fall back to the status.
  }
  const fallback = res.status === 429 ? "Too many attempts. Wait a minute and try again." : `The server answered ${res.status} ${res.statusText}`.trim();
  const message = body?.error?.message || fallback;
  // Server messages are lower-case fragments ("invalid, expired or revoked API token"); shown alone, they read as sentences.
  throw new AuthApiError(message.charAt(0).toUpperCase() + message.slice(1), res.status, body?.error?.code);
}

function asSession(body: unknown): Session {
  const s = body as Partial<Session> | null;
  if (!s?.user || typeof s.csrfToken !== "string") throw new AuthApiError("The server sent an unexpected session response", 500);
  return s as Session;
}

/** The current session, or null when the request carries no valid session cookie. */
export async function fetchSession(): Promise<Session | null> {
  const res = await call("/api/auth/session");
  if (res.status === 401) return null;
  if (!res.ok) return fail(res);
  return asSession(await res.json());
}

/** Exchanges a one-time login code or an API token for a session cookie. */
export async function login(credential: Credential): Promise<Session> {
  const res = await call("/api/auth/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(credential),
  });
  if (!res.ok) return fail(res);
  return asSession(await res.json());
}

export async function logout(csrfToken: string): Promise<void> {
  const res = await call("/api/auth/logout", {
    method: "POST",
    headers: { "Content-Type": "application/json", [CSRF_HEADER]: csrfToken },
    body: "{}",
  });
  // 401: the session was already gone, which is what signing out wants.
  if (!res.ok && res.status !== 401) await fail(res);
}
