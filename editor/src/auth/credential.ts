/** Reading a credential out of what the user pasted, and a login code out of the page's URL. */
import type { Credential } from "./api.js";

/** The `code` parameter of a `#code=…` fragment (with or without the leading '#'), if any. */
export function codeFromFragment(fragment: string): string | null {
  const code = new URLSearchParams(fragment.replace(/^#/, "")).get("code");
  return code?.trim() || null;
}

/** The login code when the page was opened from a login link (`/login#code=ftl_…`). */
export function loginCodeFromLocation(loc: Pick<Location, "pathname" | "hash">): string | null {
  if (loc.pathname.replace(/\/+$/, "") !== "/login") return null;
  return codeFromFragment(loc.hash);
}

/**
 * What the sign-in form was given: a full login link (its `#code=`), a bare login code
 * (`ftl_…`), or otherwise an API token (`ft_…`; the server judges it). Throws a readable
 * message when there is nothing usable.
 */
export function parseCredential(input: string): Credential {
  const text = input.trim();
  if (!text) throw new Error("Paste an API token or a login link.");
  if (/^https?:\/\//i.test(text) || text.includes("#code=")) {
    const hash = text.slice(text.indexOf("#"));
    const code = text.includes("#") ? codeFromFragment(hash) : null;
    if (!code) throw new Error("That link has no login code in it. Copy the whole link, including the part after '#code='.");
    return { code };
  }
  if (text.startsWith("ftl_")) return { code: text };
  if (/\s/.test(text)) throw new Error("An API token has no spaces. Paste just the token (ft_…).");
  return { token: text };
}
