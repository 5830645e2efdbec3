/** Removes secrets from text bound for a client, a log or a trace. */

/** What a secret is replaced with. */
export const REDACTED = "[redacted]";

/** Shorter values cannot be real secrets (Ollama's "ollama" placeholder is 6) and would garble text. */
const MIN_SECRET_LENGTH = 4;

/** Secret shapes redacted even when the value is unknown: bearer credentials and OpenAI-style keys. */
const SHAPES: Array<[RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  [/\bsk-[A-Za-z0-9_-]{8,}/g, REDACTED],
];

/** Holds the known secret values; `redact` replaces each occurrence (and common key shapes) with `[redacted]`. */
export class SecretRedactor {
  // Counted, so two providers sharing one key keep it redacted until both are gone.
  private readonly secrets = new Map<string, number>();

  /** Registers a secret value; values shorter than 4 characters are ignored. */
  add(secret: string | null | undefined): void {
    if (!secret || secret.length < MIN_SECRET_LENGTH) return;
    this.secrets.set(secret, (this.secrets.get(secret) ?? 0) + 1);
  }

  /** Forgets one registration of a secret value. */
  remove(secret: string | null | undefined): void {
    if (!secret) return;
    const n = this.secrets.get(secret);
    if (n === undefined) return;
    if (n <= 1) this.secrets.delete(secret);
    else this.secrets.set(secret, n - 1);
  }

  /** Number of distinct secrets held. */
  get size(): number {
    return this.secrets.size;
  }

  /** `text` with every known secret and every bearer/sk- key replaced by `[redacted]`. */
  redact(text: string): string {
    let out = text;
    // Longest first, so a secret containing another is replaced whole.
    for (const secret of [...this.secrets.keys()].sort((a, b) => b.length - a.length)) out = out.split(secret).join(REDACTED);
    for (const [pattern, replacement] of SHAPES) out = out.replace(pattern, replacement);
    return out;
  }
}
