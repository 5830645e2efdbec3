/**
 * The OpenAPI 3.1 document of the REST API, generated from the same zod schemas the handlers
 * validate with (so the document cannot drift from the code).
 */
import { z } from "zod";
import { OptimizationStateSchema, OptimizeAcceptedSchema, OptimizeBodySchema } from "./optimizations.js";
import { EffectiveParametersSchema, ProductionParametersSchema, PromoteBodySchema, PromotedSchema, RollbackBodySchema, RolledBackSchema } from "./parameters.js";

type Json = Record<string, unknown>;

const ErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

// JSON Schema 2020-12 (OpenAPI 3.1's dialect), without the per-schema $schema key.
function schemaOf(schema: z.ZodType, io: "input" | "output"): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Json;
  return rest;
}

const json = (ref: string) => ({ "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } });
const errorReply = (description: string) => ({ description, content: json("Error") });
const pathParam = (name: string, description: string) => ({ name, in: "path", required: true, description, schema: { type: "string" } });

const workflowId = pathParam("workflow_id", "The workflow's id.");
const nodeId = pathParam("node_id", "An AI node of the workflow.");
const authErrors = {
  "401": errorReply("No credentials, or an invalid, expired or revoked token."),
  "403": errorReply("The caller's role is too weak, or its token is limited to other workflows."),
};
const commonErrors = {
  "400": errorReply("Invalid body (issues carry field paths) or non-JSON body."),
  ...authErrors,
  "404": errorReply("Unknown workflow, node, version or dataset."),
  "405": errorReply("Method not allowed."),
  "413": errorReply("Body over 1 MB."),
};
const rateLimited = { "429": { ...errorReply("Too many starts (per token), or too many optimizations running for this user."), headers: { "Retry-After": { description: "Seconds to wait.", schema: { type: "integer" } } } } };
/** The role an operation needs, as an OpenAPI extension (and in its description). */
const needs = (role: "viewer" | "editor") => ({ "x-required-role": role, security: [{ bearerAuth: [] }] });

/** Builds the OpenAPI 3.1 document for every REST endpoint. */
export function openApiDocument(): Json {
  return {
    openapi: "3.1.0",
    info: { title: "Flowtune REST API", version: "1.0.0", description: "Optimizations and production parameters, for scripts and CI. snake_case on the wire." },
    paths: {
      "/api/workflows/{workflow_id}/optimize": {
        post: {
          operationId: "startOptimization",
          summary: "Start an optimization in the background (role: editor).",
          description:
            "The body follows the contract: node_ids, optimizer, objective {metric, direction: \"maximize\" | \"minimize\" (\"max\" / \"min\" also accepted)}, " +
            "limits {iterations, time_seconds}. Every field is optional when the workflow has an optimizer node targeting node_ids (or exactly one " +
            "optimizer node, or the one named in optimizer_node): what the body leaves out — dataset, node_ids, optimizer, objective, limits — comes from " +
            "that node, and so do its searchSpace, constraints, split, regressionTolerance, concurrency and reflection settings. A field missing with no " +
            "node to take it from is a 400 naming it; a dataset the node names that was never imported is a 404 naming `dataset`.",
          ...needs("editor"),
          parameters: [workflowId],
          requestBody: { required: true, content: json("OptimizeRequest") },
          responses: { "202": { description: "Started.", content: json("OptimizeAccepted") }, ...commonErrors, ...rateLimited },
        },
      },
      "/api/optimizations/{run_id}": {
        get: {
          operationId: "getOptimization",
          summary: "An optimization's status, results and spend (role: viewer).",
          ...needs("viewer"),
          parameters: [pathParam("run_id", "The optimization run id.")],
          responses: { "200": { description: "The run.", content: json("OptimizationState") }, ...authErrors, "404": errorReply("Unknown run."), "405": errorReply("Method not allowed.") },
        },
      },
      "/api/workflows/{workflow_id}/parameters": {
        get: {
          operationId: "getEffectiveParameters",
          summary: "What each AI node of the workflow's latest graph runs (role: viewer).",
          description:
            "A node is managed while its production version is not v1: runs use that version, not the graph's own fields. " +
            "divergent_fields names the fields whose graph value does not run; pending_draft is the draft a graph edit created (promote it to run it).",
          ...needs("viewer"),
          parameters: [workflowId],
          responses: { "200": { description: "Per AI node.", content: json("EffectiveParameters") }, ...authErrors, "404": errorReply("Unknown workflow."), "405": errorReply("Method not allowed.") },
        },
      },
      "/api/workflows/{workflow_id}/parameters/{node_id}": {
        get: {
          operationId: "getProductionParameters",
          summary: "The production parameter version of an AI node (role: viewer).",
          ...needs("viewer"),
          parameters: [workflowId, nodeId],
          responses: { "200": { description: "The production version.", content: json("ProductionParameters") }, ...authErrors, "404": errorReply("Unknown workflow or node."), "405": errorReply("Method not allowed.") },
        },
      },
      "/api/workflows/{workflow_id}/parameters/{node_id}/promote": {
        post: {
          operationId: "promoteParameters",
          summary: "Point production at a version (role: editor).",
          description: 'The version is a number or a string: 2, "2" and "v2" all mean version 2; anything else is a 400 naming `version`.',
          ...needs("editor"),
          parameters: [workflowId, nodeId],
          requestBody: { required: true, content: json("PromoteRequest") },
          responses: { "200": { description: "Promoted.", content: json("Promoted") }, ...commonErrors, "409": errorReply("Conflicting state.") },
        },
      },
      "/api/workflows/{workflow_id}/parameters/{node_id}/rollback": {
        post: {
          operationId: "rollbackParameters",
          summary: "Move production back (to `to`, or undo the last promotion) (role: editor).",
          description: 'The target is `to` (or `version`), a number or a string: 2, "2" or "v2". Without one, the last promotion is undone.',
          ...needs("editor"),
          parameters: [workflowId, nodeId],
          requestBody: { required: true, content: json("RollbackRequest") },
          responses: { "200": { description: "Rolled back.", content: json("RolledBack") }, ...commonErrors, "409": errorReply("Nothing to roll back, or `to` was never in production.") },
        },
      },
      "/api/openapi.json": {
        get: { operationId: "getOpenApi", summary: "This document.", responses: { "200": { description: "OpenAPI 3.1 document.", content: { "application/json": { schema: { type: "object" } } } } } },
      },
    },
    components: {
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", description: "An API token from `flowtune token create --role R [--workflow W]`." },
      },
      schemas: {
        OptimizeRequest: schemaOf(OptimizeBodySchema, "input"),
        OptimizeAccepted: schemaOf(OptimizeAcceptedSchema, "output"),
        OptimizationState: schemaOf(OptimizationStateSchema, "output"),
        ProductionParameters: schemaOf(ProductionParametersSchema, "output"),
        EffectiveParameters: schemaOf(EffectiveParametersSchema, "output"),
        PromoteRequest: schemaOf(PromoteBodySchema, "input"),
        Promoted: schemaOf(PromotedSchema, "output"),
        RollbackRequest: schemaOf(RollbackBodySchema, "input"),
        RolledBack: schemaOf(RolledBackSchema, "output"),
        Error: schemaOf(ErrorSchema, "output"),
      },
    },
  };
}
