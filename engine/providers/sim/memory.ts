/**
 * How the sim plays conversation memory (see docs/tools-and-memory.md). It recalls only what is
 * in the messages it is sent: asked "what is my name?" it answers from a "my name is …" said in
 * an earlier message of the request (or kept in a summary), and says it does not know otherwise,
 * so a test can see whether a run read its thread. It acknowledges a message that only states
 * such facts, and writes summaries (engine/memory/summary.ts) that keep them.
 */
import { SUMMARY_INSTRUCTION } from "../../memory/summary.js";
import type { ChatMessage, CompletionRequest } from "../types.js";

/** Facts one summary keeps (the newest win). */
const MAX_FACTS = 20;
const FACT = /\bmy ([a-z][a-z' -]{0,40}?) (?:is|are|was) ([^.!?\n;]{1,120})/gi;
const RECALL = /^(?:(?:and|so|now|ok|okay|then)[, ]+)?(?:what(?:'s| is| are| was)|do you (?:remember|know)|tell me|remind me (?:of|what))\s+my ([a-z][a-z' -]{0,40}?)(?: is| was)?\s*\??$/i;
const SAID = /^(?:(?:and|so|now|ok|okay|then)[, ]+)?what did i (?:just )?(say|tell you)(?: (first|before|earlier|last|at first))?\s*\??$/i;

/** The key of a fact: its subject, lower-cased, without articles. */
const keyOf = (subject: string) => subject.toLowerCase().replace(/\s+/g, " ").trim();

/** "my X is Y" facts stated in `text`, in order. */
export function factsIn(text: string): Array<{ key: string; subject: string; value: string }> {
  return [...text.matchAll(FACT)].map((m) => ({ key: keyOf(m[1]), subject: m[1].trim(), value: m[2].trim() }));
}

function lastUserIndex(messages: readonly ChatMessage[]): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].role === "user") return i;
  return -1;
}

// Everything the model was told before the question: the user's messages and any summary (system) of them.
function earlierText(messages: readonly ChatMessage[], last: number): string[] {
  return messages.slice(0, last).filter((m) => m.role === "user" || (m.role === "system" && /summary/i.test(m.content))).map((m) => m.content);
}

/** The sim's reply to a memory request (a recall question, a statement of facts, a summary), or undefined for any other request. */
export function simMemoryReply(request: CompletionRequest): { text: string } | undefined {
  const messages = request.messages;
  const system = messages.filter((m) => m.role === "system").map((m) => m.content).join("\n");
  const last = lastUserIndex(messages);
  if (last < 0) return undefined;
  const user = messages[last].content.trim();
  const wrap = (text: string) => ({ text: request.responseFormat === "json" ? JSON.stringify({ answer: text }) : text });
  if (system.includes(SUMMARY_INSTRUCTION)) return wrap(summarize(user));
  if (user.length > 300) return undefined;
  const ask = RECALL.exec(user);
  if (ask) {
    const key = keyOf(ask[1]);
    let value: string | undefined;
    for (const text of earlierText(messages, last)) for (const f of factsIn(text)) if (f.key === key) value = f.value;
    return wrap(value ? `Your ${ask[1].trim()} is ${value}.` : `I don't know your ${ask[1].trim()}; you haven't told me.`);
  }
  const said = SAID.exec(user);
  if (said) {
    const earlier = messages.slice(0, last).filter((m) => m.role === "user");
    if (!earlier.length) return wrap("You haven't said anything before this.");
    const first = said[2] && /first/i.test(said[2]);
    return wrap(`You said: "${(first ? earlier[0] : earlier[earlier.length - 1]).content.trim()}"`);
  }
  // A message that only states facts ("My name is Ada.") gets an acknowledgement.
  const sentences = user.split(/(?<=[.!?])\s+/).map((s) => s.trim()).filter(Boolean);
  const facts = factsIn(user);
  if (facts.length && sentences.every((s) => /^(?:hi|hello|hey)\b[^.!?]*[.!?]?$/i.test(s) || factsIn(s).length > 0)) {
    return wrap(`Noted: ${facts.map((f) => `your ${f.subject} is ${f.value}`).join(", ")}.`);
  }
  return undefined;
}

// Keeps the facts of the previous summary and the new user messages (the newest value of each).
function summarize(prompt: string): string {
  const prev = /Previous summary:\n([\s\S]*?)\n\nNew messages:/.exec(prompt)?.[1] ?? "";
  const fresh = /New messages:\n([\s\S]*?)(?:\n\nUpdated summary:|$)/.exec(prompt)?.[1] ?? "";
  const userLines = fresh.split("\n").filter((l) => l.startsWith("user: ")).join("\n");
  const facts = new Map<string, string>();
  for (const f of [...factsIn(prev), ...factsIn(userLines)]) {
    facts.delete(f.key);
    facts.set(f.key, `my ${f.subject} is ${f.value}`);
  }
  const kept = [...facts.values()].slice(-MAX_FACTS);
  const exchanges = (/Exchanges so far: (\d+)/.exec(prev)?.[1] ?? "0").trim();
  const count = Number(exchanges) + fresh.split("\n").filter((l) => l.startsWith("user: ")).length;
  return `${kept.length ? `The user said: ${kept.join("; ")}.` : "The user has not stated any facts about themselves."}\nExchanges so far: ${count}.`;
}
