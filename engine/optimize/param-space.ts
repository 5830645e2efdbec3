import type { AiParams } from "../schema/graph.js";
import type { CandidateParams } from "./candidate.js";
import type { OptimizeConfig } from "./config.js";
import { instructionLines, joinInstructions } from "./instructions.js";
import { applyToolPoint, toolDimensions } from "./tool-params.js";
import type { FewShotExample } from "./types-extra.js";
import type { Dimension, Point, SearchSpace } from "./types.js";

/** A search space over AI parameters, and how to turn a point of it back into parameters. */
export interface ParamSpace {
  space: SearchSpace;
  decode(point: Point): CandidateParams;
}

export interface TargetMaterial {
  /** Instruction snippets that may be added to the system prompt. */
  instructions: string[];
  /** Labelled demos (from the train split), in a seeded order. */
  demos: FewShotExample[];
}

/**
 * Builds the numeric/categorical space of the configured search: per target node, one on/off
 * dimension per instruction, the prompt template, temperature, top_p, max tokens, model and the
 * number of demos, and for a node with tools its tool instructions and tool descriptions
 * (tool-params.ts). Dimensions are named `<node>.<what>`.
 */
export function buildParamSpace(config: OptimizeConfig, baseline: CandidateParams, material: Record<string, TargetMaterial>): ParamSpace {
  const ss = config.searchSpace;
  const space: Dimension[] = [];
  for (const t of config.targets) {
    const m = material[t];
    if (ss.systemPrompt) m.instructions.forEach((_, k) => space.push({ kind: "categorical", name: `${t}.ins${k}`, choices: [false, true] }));
    if (ss.promptTemplates.length) space.push({ kind: "categorical", name: `${t}.prompt`, choices: [0, ...ss.promptTemplates.map((_, i) => i + 1)] });
    if (ss.temperature) space.push({ kind: "float", name: `${t}.temperature`, low: ss.temperature[0], high: ss.temperature[1] });
    if (ss.topP) space.push({ kind: "float", name: `${t}.topP`, low: ss.topP[0], high: ss.topP[1] });
    if (ss.maxTokens) space.push({ kind: "categorical", name: `${t}.maxTokens`, choices: ss.maxTokens });
    if (ss.models) space.push({ kind: "categorical", name: `${t}.model`, choices: ss.models });
    if (ss.systemPrompt) space.push(...toolDimensions(t, baseline[t]));
    const maxDemos = Math.min(ss.maxDemos, m.demos.length);
    if (maxDemos > 0) space.push({ kind: "int", name: `${t}.demos`, low: 0, high: maxDemos });
  }
  return {
    space,
    decode(point) {
      const out: CandidateParams = {};
      for (const t of config.targets) {
        const base = baseline[t];
        const m = material[t];
        const chosen = m.instructions.filter((_, k) => point[`${t}.ins${k}`] === true);
        const p: AiParams = { ...base };
        if (ss.systemPrompt) p.systemPrompt = joinInstructions([...instructionLines(base.systemPrompt), ...chosen]);
        const promptIdx = point[`${t}.prompt`];
        if (typeof promptIdx === "number" && promptIdx > 0) p.prompt = ss.promptTemplates[promptIdx - 1];
        if (typeof point[`${t}.temperature`] === "number") p.temperature = round(point[`${t}.temperature`] as number);
        if (typeof point[`${t}.topP`] === "number") p.topP = round(point[`${t}.topP`] as number);
        if (typeof point[`${t}.maxTokens`] === "number") p.maxTokens = point[`${t}.maxTokens`] as number;
        if (typeof point[`${t}.model`] === "string") p.model = point[`${t}.model`] as string;
        if (typeof point[`${t}.demos`] === "number") p.fewShot = m.demos.slice(0, point[`${t}.demos`] as number);
        if (ss.systemPrompt) applyToolPoint(t, p, base, point);
        out[t] = p;
      }
      return out;
    },
  };
}

// Two decimals: parameters people read and store, and fewer near-duplicate candidates.
function round(v: number): number {
  return Math.round(v * 100) / 100;
}
