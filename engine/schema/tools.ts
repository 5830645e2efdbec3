import { z } from "zod";
import { checkJsonSchema } from "../evaluation/json-schema-subset.js";
import { safeText } from "./text.js";

/**
 * Tools an AI node may offer its model (see docs/tools-and-memory.md). One discriminated union on
 * `kind`; each kind runs from its own file under engine/tools/. Browser-safe.
 */

/** Most tools one AI node may list. */
export const MAX_TOOLS_PER_NODE = 32;
/** Highest `maxToolCalls` a node may set; the default is {@link DEFAULT_MAX_TOOL_CALLS}. */
export const MAX_TOOL_CALLS_LIMIT = 50;
export const DEFAULT_MAX_TOOL_CALLS = 5;
export const TOOL_KINDS = ["expression", "http"] as const;
export const HTTP_TOOL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

// OpenAI's function-name rule (letters, digits, _ and -, at most 64), so every provider accepts the name.
const toolName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, "must start with a letter or _ and contain only letters, digits, _ or - (at most 64)");

/** A JSON Schema object describing the tool's arguments, in the subset engine/evaluation/json-schema-subset.ts checks. */
export const ToolParametersSchema = z
  .strictObject({
    type: z.literal("object"),
    properties: z.record(toolName, z.record(z.string(), z.unknown())).default({}),
    required: z.array(toolName).max(64).default([]),
    additionalProperties: z.boolean().optional(),
    description: safeText({ max: 2000, multiline: true }).optional(),
  })
  .superRefine((schema, ctx) => {
    for (const r of schema.required) {
      if (!Object.hasOwn(schema.properties, r)) ctx.addIssue({ code: "custom", path: ["required"], message: `required names "${r}", which is not in properties` });
    }
    for (const p of checkJsonSchema(schema)) {
      ctx.addIssue({ code: "custom", path: p.path ? p.path.split(".") : [], message: p.message });
    }
  });

const toolBase = {
  name: toolName,
  /** What the tool does and when to use it: the model picks tools by it (and the optimizer may rewrite it). */
  description: safeText({ min: 1, max: 4000, multiline: true }),
  parameters: ToolParametersSchema.default({ type: "object", properties: {}, required: [] }),
};

/** A calculator-like tool: a safe expression (engine/expression) evaluated with the arguments in scope. */
export const ExpressionToolSchema = z.strictObject({
  ...toolBase,
  kind: z.literal("expression"),
  /** E.g. `a * b`, or `expression|calc` to evaluate an arithmetic expression the model wrote. */
  expression: safeText({ min: 1, max: 2000 }),
});

const headerName = z.string().min(1).max(100).regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "is not a valid HTTP header name");

/** An HTTP call: `{{name}}` placeholders in the URL (URL-encoded) and headers take argument values. */
export const HttpToolSchema = z.strictObject({
  ...toolBase,
  kind: z.literal("http"),
  method: z.enum(HTTP_TOOL_METHODS).default("GET"),
  /** http(s) URL template, e.g. `https://api.example.com/weather?city={{city}}`; SSRF-guarded at call time. */
  url: safeText({ min: 1, max: 2000 }),
  headers: z.record(headerName, safeText({ max: 2000 })).default({}),
});

export const ToolSchema = z.discriminatedUnion("kind", [ExpressionToolSchema, HttpToolSchema]);

/** A node's tool list: names unique within the node. */
export const ToolListSchema = z
  .array(ToolSchema)
  .max(MAX_TOOLS_PER_NODE)
  .superRefine((tools, ctx) => {
    const seen = new Map<string, number>();
    tools.forEach((t, i) => {
      const first = seen.get(t.name);
      if (first !== undefined) ctx.addIssue({ code: "custom", path: [i, "name"], message: `duplicate tool name "${t.name}" (also tools[${first}]); tool names must be unique per node` });
      else seen.set(t.name, i);
    });
  });

export type Tool = z.infer<typeof ToolSchema>;
export type ToolKind = Tool["kind"];
export type ExpressionTool = z.infer<typeof ExpressionToolSchema>;
export type HttpTool = z.infer<typeof HttpToolSchema>;
export type ToolParameters = z.infer<typeof ToolParametersSchema>;
