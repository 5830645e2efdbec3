/**
 * Authentication and authorization failures. They are mapped to API codes with every other
 * error in server/trpc.ts (`toTRPCError`): UNAUTHENTICATED → 401, FORBIDDEN → 403,
 * RATE_LIMITED → 429 (with Retry-After).
 */
export type AccessErrorCode = "UNAUTHENTICATED" | "FORBIDDEN" | "RATE_LIMITED";

export class AccessError extends Error {
  override name = "AccessError";
  constructor(
    readonly code: AccessErrorCode,
    message: string,
    /** For RATE_LIMITED: seconds until a retry can succeed. */
    readonly retryAfterSec?: number,
  ) {
    super(message);
  }
}

export const unauthenticated = (message = "authentication required: send `Authorization: Bearer <token>` or sign in") =>
  new AccessError("UNAUTHENTICATED", message);
export const forbidden = (message: string) => new AccessError("FORBIDDEN", message);
