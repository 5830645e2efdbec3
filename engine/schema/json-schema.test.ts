import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { graphJsonSchema } from "./json-schema.js";

describe("graph JSON Schema", () => {
  it("the committed docs/graph.schema.json matches the zod schema (run `npm run schema:gen` after changing it)", () => {
    const committed = JSON.parse(readFileSync(new URL("../../docs/graph.schema.json", import.meta.url), "utf8"));
    expect(committed).toEqual(JSON.parse(JSON.stringify(graphJsonSchema())));
  });

  it("refuses unknown properties on every object, like the zod schema (additionalProperties: false)", () => {
    const loose: string[] = [];
    const walk = (v: unknown, at: string): void => {
      if (typeof v !== "object" || v === null) return;
      const o = v as Record<string, unknown>;
      // A schema object says type "object" (a `properties` map may itself have a member named "properties", e.g. a tool's JSON Schema parameters).
      if (!Array.isArray(v) && o.type === "object" && o.properties && o.additionalProperties !== false) loose.push(at);
      // `default` values are data, not schemas.
      for (const [k, child] of Object.entries(o)) if (k !== "default") walk(child, `${at}/${k}`);
    };
    const schema = graphJsonSchema();
    walk(schema, "#");
    expect(loose).toEqual([]);
    expect(JSON.stringify(schema).match(/"additionalProperties":false/g)!.length).toBeGreaterThan(40);
    // The one open object is `meta`, the documented place for user data.
    expect((schema.$defs as Record<string, { type: string }>).Meta.type).toBe("object");
  });

  it("lists every node kind and edge kind", () => {
    const text = JSON.stringify(graphJsonSchema());
    for (const k of ["input", "ai", "evaluation", "router", "aggregate", "output", "optimizer", "pipeline", "broadcast", "conditional", "parallel"]) {
      expect(text).toContain(`"const":"${k}"`);
    }
  });
});
