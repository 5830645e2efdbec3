import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A fresh random secret (32 bytes, base64url) with a recognizable prefix, e.g. `ft_…`. */
export function newSecret(prefix: string, bytes = 32): string {
  return `${prefix}${randomBytes(bytes).toString("base64url")}`;
}

/** SHA-256 (hex): secrets are high-entropy, so a fast hash is enough and lookups stay indexed. */
export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Constant-time string comparison (CSRF tokens). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
