import type { CompletionRequest } from "../types.js";
import { answerTask, type TaskTrace } from "./answer-task.js";
import { chooseFamily } from "./family-choice.js";
import { detectFeatures } from "./features.js";
import { genericReply } from "./generic.js";
import { isJudgeRequest, judgeReply } from "./judge.js";
import type { SimModel } from "./models.js";
import { isReflectionRequest } from "./reflect-parse.js";
import { reflectReply } from "./reflect.js";
import { isToolReflectionRequest, toolReflectReply } from "./reflect-tools.js";
import { parseRequest } from "./request.js";
import { withSolver } from "./tasks/solvers.js";

/** Which path produced a reply. */
export type SimMode = "reflection" | "judge" | "task" | "generic";

/** The reply text before truncation, with how it was produced. */
export interface SimReply {
  text: string;
  mode: SimMode;
  trace?: TaskTrace;
}

/** Produces the full reply for a request (pure and deterministic; truncation and timing are the provider's). */
export function respond(request: CompletionRequest, model: SimModel, worldSeed: number): SimReply {
  const parsed = parseRequest(request);
  if (isToolReflectionRequest(parsed.fullText)) return { text: toolReflectReply(parsed.fullText), mode: "reflection" };
  if (isReflectionRequest(parsed.fullText)) {
    const improved = reflectReply(parsed.fullText);
    return { text: request.responseFormat === "json" ? JSON.stringify({ prompt: improved }) : improved, mode: "reflection" };
  }
  if (isJudgeRequest(parsed.fullText)) return { text: judgeReply(request, parsed.fullText, model, worldSeed), mode: "judge" };
  const features = detectFeatures(parsed.instruction, request.responseFormat);
  const choice = chooseFamily(parsed.data, features);
  if (choice.family) {
    const reply = withSolver(choice.family, (solver) => {
      const c = solver.analyze(parsed.data);
      if (!c) return undefined;
      const ctx = { model, request, parsed, features, instructed: choice.instructed, worldSeed };
      return answerTask(solver, c, ctx);
    });
    if (reply) return { text: reply.text, mode: "task", trace: reply.trace };
  }
  const text = genericReply(parsed.data || parsed.user, parsed.instruction);
  return { text: request.responseFormat === "json" ? JSON.stringify({ answer: text }) : text, mode: "generic" };
}
