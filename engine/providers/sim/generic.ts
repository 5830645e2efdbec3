import { splitSentences } from "./text.js";

/** Reply for requests outside every task family and mode: a short, plausible echo of the request. */
export function genericReply(userText: string, instruction: string): string {
  const text = userText.trim() || instruction.trim();
  if (!text) return "Hello! How can I help you today?";
  const first = splitSentences(text.replace(/\s+/g, " "))[0] ?? text;
  const topic = first.length > 120 ? `${first.slice(0, 117)}...` : first;
  const words = text.split(/\s+/).length;
  return `Thanks for your message (${words} words) about "${topic}". Here is a brief, general answer: it depends on the details, but the main point is "${topic}"`;
}
