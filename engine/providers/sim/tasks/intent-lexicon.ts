import type { IntentLabel } from "./family.js";

export interface IntentKeyword {
  word: string;
  weight: number;
}

const kw = (weight: number, ...words: string[]): IntentKeyword[] => words.map((word) => ({ word, weight }));

/** Keywords per intent ("other" has none: it is what is left when nothing scores ≥ 1). */
export const INTENT_KEYWORDS: Readonly<Record<Exclude<IntentLabel, "other">, IntentKeyword[]>> = {
  billing: kw(1, "charged", "charge", "refund", "invoice", "payment", "billed", "overcharged", "receipt", "credit card", "subscription", "price"),
  technical: [
    ...kw(1, "error", "crash", "crashes", "crashing", "bug", "freezes", "freezing", "not loading", "install", "update", "updated", "app", "website", "glitch"),
  ],
  account: [...kw(1, "password", "log in", "login", "sign in", "username", "locked out", "profile", "two-factor", "verification code"), ...kw(0.5, "account")],
  shipping: kw(1, "package", "delivery", "delivered", "tracking", "shipped", "courier", "parcel", "arrive", "arrived", "shipping address", "dispatch"),
};

/** Keyword hits per intent, in the order they appear. */
export function intentScores(text: string): { scores: Record<IntentLabel, number>; hits: Array<{ word: string; label: IntentLabel }> } {
  const lower = text.toLowerCase();
  const scores: Record<IntentLabel, number> = { billing: 0, technical: 0, account: 0, shipping: 0, other: 0 };
  const hits: Array<{ word: string; label: IntentLabel; at: number }> = [];
  for (const [label, words] of Object.entries(INTENT_KEYWORDS) as Array<[Exclude<IntentLabel, "other">, IntentKeyword[]]>) {
    for (const { word, weight } of words) {
      const re = new RegExp(`(?<![\\w@.-])${word.replace(/-/g, "\\-")}(?![\\w@-])`, "g");
      for (let m = re.exec(lower); m; m = re.exec(lower)) {
        scores[label] += weight;
        hits.push({ word, label, at: m.index });
      }
    }
  }
  hits.sort((a, b) => a.at - b.at);
  return { scores, hits };
}

/** The winning intent: highest score if it reaches 1, else "other"; ties go to the earliest keyword. */
export function intentLabel(text: string): { label: IntentLabel; runnerUp?: IntentLabel; margin: number } {
  const { scores, hits } = intentScores(text);
  const firstAt = (l: IntentLabel): number => hits.findIndex((h) => h.label === l);
  const ranked = (["billing", "technical", "account", "shipping"] as IntentLabel[])
    .filter((l) => scores[l] > 0)
    .sort((a, b) => scores[b] - scores[a] || firstAt(a) - firstAt(b));
  const [best, second] = ranked;
  if (!best || scores[best] < 1) return { label: "other", runnerUp: best, margin: 0 };
  return { label: best, runnerUp: second, margin: scores[best] - (second ? scores[second] : 0) };
}
