/**
 * AES-256-GCM encryption of small secrets (provider API keys) for storage:
 * `v1.<iv>.<tag>.<ciphertext>`, each part base64url, with a random 12-byte IV per value.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Decryption failed: wrong key, tampered or corrupted data. Its message never includes the data. */
export class SecretDecryptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretDecryptError";
  }
}

/**
 * Encrypts `plaintext` under `key` (32 bytes). `context` (e.g. the provider id) is bound as
 * associated data, so a ciphertext copied to another row does not decrypt there.
 */
export function encryptSecret(key: Buffer, plaintext: string, context = ""): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), ciphertext].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
}

/** Decrypts what encryptSecret produced with the same key and context; throws SecretDecryptError otherwise. */
export function decryptSecret(key: Buffer, payload: string, context = ""): string {
  const parts = payload.split(".");
  if (parts.length !== 4 || parts[0] !== VERSION) throw new SecretDecryptError(`cannot decrypt secret: unknown format (expected ${VERSION}.<iv>.<tag>.<ciphertext>)`);
  const [iv, tag, ciphertext] = parts.slice(1).map((p) => Buffer.from(p, "base64url"));
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretDecryptError("cannot decrypt secret: malformed data");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
  } catch {
    // Node's message is generic; ours says what to check, and never echoes the data.
    throw new SecretDecryptError("cannot decrypt secret: wrong secret key (was FLOWTUNE_SECRET_KEY or the key file changed?) or corrupted data");
  }
}

/** Encrypt/decrypt bound to a key source (the Keyring's lazily loaded key). */
export interface SecretCipher {
  encrypt(plaintext: string, context?: string): string;
  decrypt(payload: string, context?: string): string;
}

/** A SecretCipher over `key()`, called at each use so the key file is read only when needed. */
export function createSecretCipher(key: () => Buffer): SecretCipher {
  return {
    encrypt: (plaintext, context) => encryptSecret(key(), plaintext, context),
    decrypt: (payload, context) => decryptSecret(key(), payload, context),
  };
}
