import { createRng, type Rng } from "../rng.js";
import { extractionSolver } from "./extraction.js";
import { MONTHS } from "./extraction-parse.js";
import type { IntentLabel } from "./family.js";
import { intentLabel } from "./intent-lexicon.js";

/** A generated support ticket, in the shape of examples/triage.dataset.jsonl. */
export interface TicketRow {
  ticket: string;
  channel: "email" | "chat" | "phone";
  priority: "high" | "normal";
  expected: IntentLabel;
  /** JSON string {"name","email","date"} (date as YYYY-MM-DD); only for email tickets. */
  expected_fields?: string;
}

/** A generated extraction row: text and the expected JSON string. */
export interface ExtractionRow {
  text: string;
  expected: string;
}

const BODY: Record<IntentLabel, string[]> = {
  billing: [
    "I was charged twice for my subscription this month.",
    "Can you refund the extra payment on my card?",
    "The invoice shows a price that is higher than what I agreed to.",
    "My credit card was billed for an order I cancelled.",
  ],
  technical: [
    "The app crashes every time I open the settings page.",
    "I get an error when I try to install the update.",
    "The website freezes right after the latest update.",
    "There is a bug that makes the app show a blank screen.",
  ],
  account: [
    "I cannot log in because I forgot my password.",
    "I am locked out of my profile after too many attempts.",
    "The verification code for two-factor sign in never comes.",
    "I want to change the username on my profile.",
  ],
  shipping: [
    "My package has not arrived yet and the tracking page shows nothing new.",
    "The courier delivered the parcel to the wrong house.",
    "Can I change the shipping address for my delivery?",
    "The tracking number says the parcel was shipped but it never arrived.",
  ],
  other: [
    "Do you have a physical store in Lisbon?",
    "I just wanted to say your team was very kind to me.",
    "Are you hiring for summer jobs this year?",
    "Can I suggest a new color for your products?",
  ],
};

const DISTRACTOR: Record<Exclude<IntentLabel, "other">, string> = {
  billing: "I already paid the invoice last month.",
  technical: "I am using the newest app on my phone.",
  account: "I also checked my profile page.",
  shipping: "The last order was shipped on time.",
};

const FIRST = ["Ana", "Ben", "Chloe", "David", "Elena", "Farid", "Grace", "Hugo", "Irene", "Jonas", "Keiko", "Liam", "Maya", "Nils"];
const LAST = ["Lopez", "Carter", "Novak", "Okafor", "Schmidt", "Tanaka", "Rossi", "Berg", "Silva", "Moreau", "Haddad", "Kim"];
const DOMAINS = ["mail.com", "example.org", "inbox.net", "post.io"];
const COMPANIES = ["shopwise", "gadgetly", "homenest"];
const INTENTS: IntentLabel[] = ["billing", "technical", "account", "shipping", "other"];

function randomDate(rng: Rng): { written: string; iso: string } {
  const [y, m, d] = [rng.int(2023, 2025), rng.int(1, 12), rng.int(1, 28)];
  const iso = `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
  const style = rng.int(0, 2);
  const written = style === 0 ? iso : style === 1 ? `${MONTHS[m - 1]} ${d}, ${y}` : `${d} ${MONTHS[m - 1]} ${y}`;
  return { written, iso };
}

function person(rng: Rng): { name: string; email: string } {
  const [first, last] = [rng.pick(FIRST), rng.pick(LAST)];
  const local = rng.chance(0.5) ? `${first}.${last}` : `${first[0]}${last}`;
  return { name: `${first} ${last}`, email: `${local.toLowerCase()}@${rng.pick(DOMAINS)}` };
}

function body(rng: Rng, intent: IntentLabel): string[] {
  const sentences = [rng.pick(BODY[intent])];
  if (intent !== "other" && rng.chance(0.5)) sentences.push(rng.pick(BODY[intent].filter((s) => s !== sentences[0])));
  if (intent !== "other" && rng.chance(0.35)) {
    const others = (Object.keys(DISTRACTOR) as Array<keyof typeof DISTRACTOR>).filter((k) => k !== intent);
    sentences.splice(rng.int(0, sentences.length), 0, DISTRACTOR[rng.pick(others)]);
  }
  return sentences;
}

/** One ticket of the given intent; email tickets carry a name, an email and a date (for extraction). */
export function generateTicket(rng: Rng, intent: IntentLabel, channel: TicketRow["channel"]): TicketRow {
  for (;;) {
    const priority = rng.chance(0.3) ? "high" : "normal";
    const parts = body(rng, intent);
    if (priority === "high") parts.push("This is urgent.");
    let fields: string | undefined;
    if (channel === "email") {
      const who = person(rng);
      const date = randomDate(rng);
      parts.splice(1, 0, rng.pick([`This started on ${date.written}.`, `I first wrote about it on ${date.written}.`]));
      if (rng.chance(0.3)) parts.push(`I already wrote to support@${rng.pick(COMPANIES)}.com without an answer.`);
      if (rng.chance(0.25)) parts.push(`An agent named ${rng.pick(FIRST)} ${rng.pick(LAST)} told me to write here.`);
      if (rng.chance(0.5)) parts.unshift(`Hi, this is ${who.name} (${who.email}).`);
      else parts.push(`Regards, ${who.name} (${who.email})`);
      fields = JSON.stringify({ name: who.name, email: who.email, date: date.iso });
    } else {
      parts.unshift(rng.pick(["Hi.", "Hello.", "Hi there."]));
      if (rng.chance(0.5)) parts.push(rng.pick(["Thanks.", "Please help."]));
    }
    const ticket = parts.join(" ");
    // Re-draw until the sim's solvers read the row the way it is labelled, so the labels are unambiguous.
    if (intentLabel(ticket).label !== intent) continue;
    if (fields) {
      const c = extractionSolver.analyze(ticket);
      if (!c || JSON.stringify({ name: c.fields.name, email: c.fields.email, date: c.fields.date.iso }) !== fields) continue;
    }
    return { ticket, channel, priority, expected: intent, ...(fields ? { expected_fields: fields } : {}) };
  }
}

/** Deterministic triage rows: intents cycle, every third ticket arrives by email. */
export function generateTicketRows(count: number, seed: number): TicketRow[] {
  const rng = createRng(seed * 15485863 + 3);
  const channels: TicketRow["channel"][] = ["email", "chat", "phone"];
  return Array.from({ length: count }, (_, i) => generateTicket(rng, INTENTS[i % INTENTS.length], channels[Math.floor(i / 5) % 3]));
}

/** Deterministic extraction rows (email tickets of any intent, the expected JSON string as `expected`). */
export function generateExtractionRows(count: number, seed: number): ExtractionRow[] {
  const rng = createRng(seed * 32452843 + 4);
  return Array.from({ length: count }, (_, i) => {
    const row = generateTicket(rng, INTENTS[i % INTENTS.length], "email");
    return { text: row.ticket, expected: row.expected_fields as string };
  });
}
