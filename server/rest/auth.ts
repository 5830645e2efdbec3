/**
 * Sign-in for the editor: exchange a one-time login code (the URL `npm start` prints) or an
 * API token for a session cookie; read the session (with its CSRF token); sign out.
 */
import { z } from "zod";
import { clearSessionCookieHeader, clientAddress, sessionCookieHeader } from "../auth/http.js";
import type { Principal } from "../auth/principal.js";
import type { SessionInfo } from "../auth/sessions.js";
import { RestError } from "./errors.js";
import type { PublicRestRoute, PublicRestRequest } from "./types.js";

/**
 * Body of POST /api/auth/login: exactly one of a login code or an API token. One object rather than
 * a union of two, so that a refusal names the field (a union's error has no path).
 */
export const LoginBodySchema = z
  .strictObject({ code: z.string().min(1).max(200).optional(), token: z.string().min(1).max(200).optional() })
  .superRefine((b, ctx) => {
    if (b.code !== undefined && b.token !== undefined) ctx.addIssue({ code: "custom", path: ["token"], message: "give a login code or an API token, not both" });
    if (b.code === undefined && b.token === undefined) {
      for (const field of ["code", "token"]) ctx.addIssue({ code: "custom", path: [field], message: "give a login code (code) or an API token (token)" });
    }
  });

/** Reply of /api/auth/session and /api/auth/login. */
export interface SessionReply {
  user: Pick<Principal, "name" | "role" | "workflows">;
  csrfToken: string;
}

function sessionReply(session: SessionInfo): SessionReply {
  const { name, role, workflows } = session.principal;
  return { user: { name, role, workflows }, csrfToken: session.csrfToken };
}

/** Cookies are Secure when the request came over TLS (directly or through a proxy that says so). */
function isSecure(req: PublicRestRequest["req"]): boolean {
  return (req.socket as { encrypted?: boolean }).encrypted === true || req.headers["x-forwarded-proto"] === "https";
}

export const authRoutes: PublicRestRoute[] = [
  {
    method: "POST",
    path: "/api/auth/login",
    role: "public",
    async handler({ body, services, req }) {
      const input = LoginBodySchema.parse(body);
      const { cookie, session } = await services.auth.login(input, clientAddress(req));
      const maxAgeSec = Math.floor(services.auth.sessions.ttlMs / 1000);
      return {
        status: 200,
        body: sessionReply(session),
        headers: { "set-cookie": sessionCookieHeader(cookie, { maxAgeSec, secure: isSecure(req) }) },
      };
    },
  },
  {
    method: "GET",
    path: "/api/auth/session",
    role: "public",
    async handler({ auth }) {
      if (!auth.session) throw new RestError(401, "UNAUTHENTICATED", "not signed in");
      return { status: 200, body: sessionReply(auth.session) };
    },
  },
  {
    method: "POST",
    path: "/api/auth/logout",
    role: "public",
    bodyOptional: true,
    async handler({ auth, services, req }) {
      // Same CSRF rule as every cookie mutation: a forged logout is refused too.
      if (auth.error) throw auth.error;
      if (auth.session && auth.cookie) await services.auth.logout(auth.cookie, auth.session.principal);
      return { status: 200, body: { ok: true }, headers: { "set-cookie": clearSessionCookieHeader(isSecure(req)) } };
    },
  },
];
