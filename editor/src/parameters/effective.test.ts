import { describe, expect, it } from "vitest";
import { canvasView, fieldList, managedView, stableJson, type EffectiveNode } from "./effective.js";

const FIELDS = ["provider", "model", "systemPrompt", "prompt", "temperature", "topP", "maxTokens", "fewShot", "responseFormat", "seed"];
const base = { provider: "sim", model: "sim-small", systemPrompt: "", prompt: "{{ inputs.q }}", temperature: 0, topP: 1, maxTokens: 512, fewShot: [], responseFormat: "text" as const };
const production = { ...base, prompt: "Tuned {{ inputs.q }}", temperature: 0.4 };

function eff(patch: Partial<EffectiveNode> = {}): EffectiveNode {
  return { nodeId: "a", managed: true, version: 2, params: production, managedFields: FIELDS, divergentFields: ["prompt", "temperature"], graphParams: base, pendingDraft: null, ...patch } as EffectiveNode;
}

describe("managedView", () => {
  it("is null for an unmanaged or unknown node (the graph's fields are shown as today)", () => {
    expect(managedView(base, undefined)).toBeNull();
    expect(managedView(base, eff({ managed: false, managedFields: [] }))).toBeNull();
  });

  it("shows production's values, not the graph's stale ones, when nothing was edited", () => {
    const v = managedView({ ...base }, eff())!;
    expect(v.config).toMatchObject({ prompt: "Tuned {{ inputs.q }}", temperature: 0.4 });
    expect(v.unsaved).toEqual([]);
    expect(v.version).toBe(2);
  });

  it("a missing field means its default (no false 'edited' for topP left out of the graph)", () => {
    const { topP: _t, fewShot: _f, ...sparse } = base;
    expect(managedView(sparse, eff())!.unsaved).toEqual([]);
  });

  it("an unsaved local edit shows as typed and is listed; other fields stay production's", () => {
    const v = managedView({ ...base, systemPrompt: "Be brief." }, eff())!;
    expect(v.unsaved).toEqual(["systemPrompt"]);
    expect(v.config).toMatchObject({ systemPrompt: "Be brief.", prompt: "Tuned {{ inputs.q }}", temperature: 0.4 });
  });

  it("fields of a pending draft show the graph's (saved) value, with the draft", () => {
    const saved = { ...base, systemPrompt: "Be brief." };
    const v = managedView(saved, eff({ graphParams: saved, pendingDraft: { version: 3, fields: ["systemPrompt"], baseVersion: 2 } }))!;
    expect(v.unsaved).toEqual([]);
    expect(v.draft).toEqual({ version: 3, fields: ["systemPrompt"] });
    expect(v.config).toMatchObject({ systemPrompt: "Be brief.", prompt: "Tuned {{ inputs.q }}" });
  });

  it("production without a seed removes the graph's seed from the view", () => {
    const withSeed = { ...base, seed: 5 };
    expect(managedView(withSeed, eff({ graphParams: withSeed }))!.config.seed).toBeUndefined();
  });
});

describe("canvasView and helpers", () => {
  it("the canvas shows what runs, with the production marker and the pending draft", () => {
    expect(canvasView(base, undefined)).toEqual({ config: base, marker: null, draft: null });
    expect(canvasView(base, eff({ pendingDraft: { version: 3, fields: ["prompt"], baseVersion: 2 } }))).toEqual({ config: production, marker: "production v2", draft: 3 });
  });

  it("stableJson ignores key order; fieldList reads naturally", () => {
    expect(stableJson([{ b: 1, a: 2 }])).toBe(stableJson([{ a: 2, b: 1 }]));
    expect(stableJson({ a: undefined, b: 1 })).toBe(stableJson({ b: 1 }));
    expect(fieldList(["prompt"])).toBe("prompt");
    expect(fieldList(["prompt", "model", "seed"])).toBe("prompt, model and seed");
  });
});
