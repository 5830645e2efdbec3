import type { CompletionRequest } from "../types.js";
import { extractInlineDemos, type Demo } from "./demos.js";
import { segmentData } from "./segment.js";

/** A chat request taken apart into what the sim reacts to. */
export interface ParsedRequest {
  /** All system messages joined. */
  system: string;
  /** The last user message, as sent. */
  user: string;
  /** Few-shot demos: user/assistant pairs before the last user message, then inline ones. */
  demos: Demo[];
  /** The task data found in the last user message (see segmentData). */
  data: string;
  /** Everything that is not data or demos: system prompt + instruction parts of the user message. */
  instruction: string;
  /** System + user text, for the judge/reflection triggers. */
  fullText: string;
}

/** Splits a request into system prompt, demos, data and instructions. */
export function parseRequest(request: CompletionRequest): ParsedRequest {
  const messages = request.messages;
  let last = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role === "user") {
      last = i;
      break;
    }
  }
  const system = messages.filter((m) => m.role === "system").map((m) => m.content).join("\n\n");
  const demos: Demo[] = [];
  const convo = messages.slice(0, Math.max(0, last)).filter((m) => m.role !== "system");
  for (let i = 0; i + 1 < convo.length; i++) {
    if (convo[i].role === "user" && convo[i + 1].role === "assistant") {
      demos.push({ input: convo[i].content, output: convo[i + 1].content, source: "messages" });
      i++;
    }
  }
  const user = last >= 0 ? messages[last].content : "";
  const sys = extractInlineDemos(system);
  const usr = extractInlineDemos(user);
  demos.push(...sys.demos, ...usr.demos);
  const seg = segmentData(usr.rest);
  return {
    system,
    user,
    demos,
    data: seg.data,
    instruction: [sys.rest, seg.instruction].filter((t) => t.trim()).join("\n"),
    fullText: [system, user].filter(Boolean).join("\n\n"),
  };
}
