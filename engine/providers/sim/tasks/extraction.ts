import { canonicalKey, finalAnswerLine } from "../text.js";
import { findDates, findEmails, findNames, findSenderName, isRoleEmail, makeDate, type FoundDate } from "./extraction-parse.js";
import type { RenderStyle, Solver, TaskCase } from "./types.js";

/** The three extracted fields. */
export interface Fields {
  name: string;
  email: string;
  date: FoundDate;
}

export interface ExtractionCase extends TaskCase {
  fields: Fields;
  /** The support/agent address or agent name a careless reader takes instead. */
  otherEmail?: string;
  otherName?: string;
}

function keyed(a: Fields, style: RenderStyle): Record<string, string> {
  const date = style.isoDate ? a.date.iso : a.date.written;
  return style.standardKeys ? { name: a.name, email: a.email, date } : { full_name: a.name, email_address: a.email, date };
}

function shiftDate(d: FoundDate): FoundDate {
  const [y, m, day] = d.iso.split("-").map(Number);
  // Day/month swapped when that is a valid date, else off by one day.
  if (day <= 12 && day !== m) return makeDate(y, day, m, d.written);
  return makeDate(y, m, day === 28 ? 27 : day + 1, d.written);
}

/** Solver for name/email/date extraction to JSON. */
export const extractionSolver: Solver<ExtractionCase, Fields> = {
  family: "extraction",
  dataScore(data) {
    const emails = findEmails(data).length > 0;
    const dates = findDates(data).length > 0;
    return emails && dates ? 6 : emails || dates ? 2 : 0;
  },
  analyze(data) {
    const emails = findEmails(data);
    const dates = findDates(data);
    const name = findSenderName(data) ?? findNames(data)[0];
    if (!emails.length || !dates.length || !name) return undefined;
    const email = emails.find((e) => !isRoleEmail(e)) ?? emails[0];
    const otherEmail = emails.find((e) => e !== email);
    const otherName = findNames(data).find((n) => n !== name);
    const traits = [...(otherEmail ? ["distractor"] : []), ...(otherName ? ["distractor-name"] : [])];
    const initial = / [A-Z]\. /.test(name);
    const difficulty = (otherEmail ? 1 : 0) + (otherName ? 0.8 : 0) + (initial ? 0.3 : 0);
    const fields = { name, email, date: dates[0] };
    return { key: canonicalKey(data), difficulty, traits, cotBonus: otherEmail || otherName ? 0.3 : 0.1, fields, otherEmail, otherName };
  },
  truth: (c) => c.fields,
  wrong(c, pick) {
    const f = c.fields;
    const options: Fields[] = [];
    if (c.otherEmail) options.push({ ...f, email: c.otherEmail });
    if (c.otherName) options.push({ ...f, name: c.otherName });
    if (!options.length) options.push({ ...f, name: f.name.split(" ")[0] }, { ...f, date: shiftDate(f.date) });
    return options[Math.floor(pick * options.length)];
  },
  equal: (a, b) => a.name === b.name && a.email.toLowerCase() === b.email.toLowerCase() && a.date.iso === b.date.iso,
  bare: (a, _c, style) => JSON.stringify(keyed(a, style)),
  chatty(a, _c, pick, style) {
    const date = style.isoDate ? a.date.iso : a.date.written;
    const options = [
      `Sure! The customer is ${a.name} (${a.email}) and the date mentioned is ${date}.`,
      `Here are the details I found: name ${a.name}, email ${a.email}, date ${date}.`,
      `Name: ${a.name}\nEmail: ${a.email}\nDate: ${date}`,
    ];
    return options[Math.floor(pick * options.length)];
  },
  reasoning(a, c, style) {
    const lines = [
      `The writer introduces themselves as ${a.name}.`,
      `Their email address is ${a.email}${c.otherEmail && a.email !== c.otherEmail ? `, not the support address ${c.otherEmail}` : ""}.`,
      `The date mentioned is ${a.date.written}${style.isoDate ? `, which is ${a.date.iso}` : ""}.`,
    ];
    return style.concise ? [lines.join(" ")] : lines;
  },
  json: (a, _c, style) => keyed(a, style),
  read(text) {
    const source = finalAnswerLine(text) ?? text;
    const m = /\{[\s\S]*\}/.exec(source);
    if (!m) return undefined;
    try {
      const o = JSON.parse(m[0]) as Record<string, unknown>;
      const s = (...keys: string[]): string => String(keys.map((k) => o[k]).find((v) => typeof v === "string") ?? "");
      const dateText = s("date");
      const date = findDates(dateText)[0] ?? { written: dateText, iso: dateText };
      return { name: s("name", "full_name", "customer_name"), email: s("email", "email_address"), date };
    } catch {
      return undefined;
    }
  },
};
