/**
 * Credentials on HTTP requests: `Authorization: Bearer <token>`, or the session cookie — with,
 * for state-changing methods, the CSRF header and a same-origin check (a cookie is sent by the
 * browser on its own, so a cookie alone must never be enough to change anything).
 */
import type http from "node:http";
import { AccessError, forbidden, unauthenticated } from "./errors.js";
import type { Principal } from "./principal.js";
import { safeEqual } from "./secret-hash.js";
import type { AuthService } from "./service.js";
import type { SessionInfo } from "./sessions.js";

export const SESSION_COOKIE = "flowtune_session";
export const CSRF_HEADER = "x-flowtune-csrf";

/** What a request authenticated as. `error` is set when it sent credentials that must be refused. */
export interface RequestAuth {
  principal: Principal | null;
  /** The session (cookie requests), for /api/auth/session and logout. */
  session?: SessionInfo;
  /** The raw cookie value (logout deletes it). */
  cookie?: string;
  error?: AccessError;
}

/** Parses a Cookie header into name → value (first occurrence wins). */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!(name in out)) out[name] = part.slice(eq + 1).trim();
  }
  return out;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** True when the request's Origin (if any) is this server's own origin. */
function sameOrigin(req: http.IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** Authenticates a request; never throws (a refused credential comes back as `error`). */
export async function authenticateRequest(auth: AuthService, req: http.IncomingMessage): Promise<RequestAuth> {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return { principal: null, error: unauthenticated("unsupported Authorization header: use `Bearer <token>`") };
    try {
      return { principal: await auth.fromBearer(m[1]) };
    } catch (err) {
      return { principal: null, error: err instanceof AccessError ? err : unauthenticated() };
    }
  }
  const cookie = parseCookies(req.headers.cookie)[SESSION_COOKIE];
  if (!cookie) return { principal: null };
  const session = await auth.fromCookie(cookie);
  // An expired or unknown cookie is just "not signed in".
  if (!session) return { principal: null };
  if (!SAFE_METHODS.has(req.method ?? "GET")) {
    const csrf = req.headers[CSRF_HEADER];
    if (!sameOrigin(req)) return { principal: null, session, cookie, error: forbidden("cross-origin request refused") };
    if (typeof csrf !== "string" || !safeEqual(csrf, session.csrfToken)) {
      return { principal: null, session, cookie, error: forbidden(`missing or invalid ${CSRF_HEADER} header (CSRF protection for cookie sessions)`) };
    }
  }
  return { principal: session.principal, session, cookie };
}

/** `Set-Cookie` for a new session: HttpOnly (no script reads it), SameSite=Strict, Secure on https. */
export function sessionCookieHeader(value: string, opts: { maxAgeSec: number; secure: boolean }): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${opts.maxAgeSec}${opts.secure ? "; Secure" : ""}`;
}

/** `Set-Cookie` that deletes the session cookie. */
export function clearSessionCookieHeader(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? "; Secure" : ""}`;
}

/** The client's address, for per-client limits (failed sign-ins). */
export function clientAddress(req: http.IncomingMessage): string {
  return req.socket.remoteAddress ?? "unknown";
}
