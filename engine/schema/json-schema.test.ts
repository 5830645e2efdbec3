import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { graphJsonSchema } from "./json-schema.js";

describe("graph JSON Schema", () => {
  it("the committed docs/graph.schema.json matches the zod schema (run `npm run schema:gen` after changing it)", () => {
    const committed = JSON.parse(readFileSync(new URL("../../docs/graph.schema.json", import.meta.url), "utf8"));
    expect(committed).toEqual(JSON.parse(JSON.stringify(graphJsonSchema())));
  });

  it("lists every node kind and edge kind", () => {
    const text = JSON.stringify(graphJsonSchema());
    for (const k of ["input", "ai", "evaluation", "router", "aggregate", "output", "optimizer", "pipeline", "broadcast", "conditional", "parallel"]) {
      expect(text).toContain(`"const":"${k}"`);
    }
  });
});
