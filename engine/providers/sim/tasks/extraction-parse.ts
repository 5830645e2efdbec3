/** Finds a person's name, email address and a date in free text. */

export const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** A date as written in the text and in ISO form. */
export interface FoundDate {
  written: string;
  iso: string;
}

const pad = (n: number): string => String(n).padStart(2, "0");
const MONTH_RE = MONTHS.join("|");

/** Builds a FoundDate from parts (month 1–12). */
export function makeDate(year: number, month: number, day: number, written: string): FoundDate {
  return { written, iso: `${year}-${pad(month)}-${pad(day)}` };
}

/** All dates in the text: 2024-03-05, March 5, 2024 and 5 March 2024. */
export function findDates(text: string): FoundDate[] {
  const out: Array<FoundDate & { at: number }> = [];
  const month = (name: string): number => MONTHS.findIndex((m) => m.toLowerCase() === name.toLowerCase()) + 1;
  for (const m of text.matchAll(/\b(\d{4})-(\d{2})-(\d{2})\b/g)) out.push({ ...makeDate(+m[1], +m[2], +m[3], m[0]), at: m.index ?? 0 });
  for (const m of text.matchAll(new RegExp(`\\b(${MONTH_RE}) (\\d{1,2}), (\\d{4})\\b`, "gi"))) {
    out.push({ ...makeDate(+m[3], month(m[1]), +m[2], m[0]), at: m.index ?? 0 });
  }
  for (const m of text.matchAll(new RegExp(`\\b(\\d{1,2}) (${MONTH_RE}) (\\d{4})\\b`, "gi"))) {
    out.push({ ...makeDate(+m[3], month(m[2]), +m[1], m[0]), at: m.index ?? 0 });
  }
  return out.sort((a, b) => a.at - b.at).map(({ written, iso }) => ({ written, iso }));
}

/** All email addresses, in order. */
export function findEmails(text: string): string[] {
  // The lookbehind starts local parts only at a run's start (otherwise quadratic on long runs like "aaaa…").
  return text.match(/(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g)?.map((e) => e.replace(/\.$/, "")) ?? [];
}

/** Role addresses (support@, help@ …) that do not belong to the person writing. */
export function isRoleEmail(email: string): boolean {
  return /^(?:support|help|info|noreply|no-reply|service|team|contact|hello|sales|billing|orders)@/i.test(email);
}

const NAME = "([A-Z][a-z]+(?: [A-Z]\\.)?(?: [A-Z][a-z'-]+){1,2})";

/** The writer's name: after "this is", "my name is", "I am", or in a sign-off ("Regards, Ana Lopez"). */
export function findSenderName(text: string): string | undefined {
  const intro = new RegExp(`\\b(?:this is|my name is|i am|i'm)\\s+${NAME}`, "i").exec(text);
  if (intro && /^[A-Z]/.test(intro[1])) return intro[1];
  const sign = new RegExp(`\\b(?:regards|thanks|best|cheers|sincerely),?\\s+${NAME}`, "i").exec(text);
  return sign?.[1];
}

/** Every "Firstname Lastname" in order (the naive reading picks the first one). */
export function findNames(text: string): string[] {
  const skip = /^(?:Hi|Hello|Dear|Regards|Thanks|Best|Cheers|Sincerely|The|This|My|An|On|Since|I)$/;
  const out: string[] = [];
  for (const m of text.matchAll(new RegExp(NAME, "g"))) {
    const words = m[1].split(" ");
    while (words.length && skip.test(words[0])) words.shift();
    if (words.length >= 2) out.push(words.join(" "));
  }
  return out;
}
