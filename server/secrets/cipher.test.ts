import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SecretDecryptError, createSecretCipher, decryptSecret, encryptSecret } from "./cipher.js";

const key = randomBytes(32);
const SECRET = "sk-live-0123456789abcdefghij";

describe("secret cipher", () => {
  it("round-trips with the v1.<iv>.<tag>.<ciphertext> base64url format and a fresh IV each time", () => {
    const a = encryptSecret(key, SECRET, "provider:x");
    const b = encryptSecret(key, SECRET, "provider:x");
    expect(a).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain(SECRET);
    expect(decryptSecret(key, a, "provider:x")).toBe(SECRET);
    expect(decryptSecret(key, encryptSecret(key, ""))).toBe("");
  });

  it("fails clearly with the wrong key, without echoing the ciphertext", () => {
    const payload = encryptSecret(key, SECRET);
    const err = (() => {
      try {
        decryptSecret(randomBytes(32), payload);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(SecretDecryptError);
    expect(err!.message).toMatch(/wrong secret key/);
    for (const part of payload.split(".").slice(1)) expect(err!.message).not.toContain(part);
  });

  it("fails on another context, tampering and malformed input", () => {
    const payload = encryptSecret(key, SECRET, "provider:a");
    expect(() => decryptSecret(key, payload, "provider:b")).toThrow(SecretDecryptError);
    const [v, iv, tag, ct] = payload.split(".");
    const flipped = Buffer.from(ct, "base64url");
    flipped[0] ^= 1;
    expect(() => decryptSecret(key, [v, iv, tag, flipped.toString("base64url")].join("."), "provider:a")).toThrow(SecretDecryptError);
    expect(() => decryptSecret(key, "v2.a.b.c")).toThrow(/unknown format/);
    expect(() => decryptSecret(key, "v1.AAAA.BBBB.CCCC")).toThrow(/malformed/);
  });

  it("createSecretCipher reads the key at each use", () => {
    let calls = 0;
    const cipher = createSecretCipher(() => {
      calls++;
      return key;
    });
    expect(calls).toBe(0);
    expect(cipher.decrypt(cipher.encrypt("abc", "c"), "c")).toBe("abc");
    expect(calls).toBe(2);
  });
});
