/**
 * MCP tools over parameter versions: save a candidate as a version (or save and promote it in one
 * step), promote a version, roll production back, list a node's versions.
 */
import { defineTool, procedureInput } from "./tool.js";

export const saveCandidate = defineTool({
  name: "save_candidate",
  title: "Save a candidate as a version",
  description:
    "Saves one evaluated candidate of an optimization as a candidate parameter version of each target AI node (the same " +
    "parameters again: the existing version, created false). Returns [{ nodeId, version, created }]; promote with promote_version.",
  procedures: ["optimizations.saveCandidate"],
  input: procedureInput("optimizations.saveCandidate"),
  async run(input, { api }) {
    return { runId: input.runId, index: input.index, versions: await api.optimizations.saveCandidate(input) };
  },
});

export const promoteCandidate = defineTool({
  name: "promote_candidate",
  title: "Save and promote a candidate",
  description:
    "Saves one evaluated candidate as a version of each target AI node and points production at it, with the reason recorded in " +
    "the audit trail, in one transaction. Returns [{ nodeId, version, created, changed, from }].",
  procedures: ["optimizations.promoteCandidate"],
  input: procedureInput("optimizations.promoteCandidate"),
  async run(input, { api }) {
    return { runId: input.runId, index: input.index, promoted: await api.optimizations.promoteCandidate(input) };
  },
});

export const promoteVersion = defineTool({
  name: "promote_version",
  title: "Promote a parameter version",
  description: "Points an AI node's production parameters at a version (runs use it from now on), with the reason recorded in the audit trail.",
  procedures: ["parameters.promote"],
  input: procedureInput("parameters.promote"),
  async run(input, { api }) {
    return { ...(await api.parameters.promote(input)) };
  },
});

export const rollbackVersion = defineTool({
  name: "rollback_version",
  title: "Roll production back",
  description:
    "Moves an AI node's production parameters back to the version before the last promotion, or to version `to`, with the reason " +
    "recorded. CONFLICT when there is nothing to roll back.",
  procedures: ["parameters.rollback"],
  input: procedureInput("parameters.rollback"),
  async run(input, { api }) {
    return { ...(await api.parameters.rollback(input)) };
  },
});

export const listParameterVersions = defineTool({
  name: "list_parameter_versions",
  title: "List an AI node's parameter versions",
  description: "Every parameter version of an AI node (oldest first) with its status, metrics and provenance, and which one is production.",
  procedures: ["parameters.versions"],
  input: procedureInput("parameters.versions"),
  async run(input, { api }) {
    return { ...(await api.parameters.versions(input)) };
  },
});

export const versionTools = [saveCandidate, promoteCandidate, promoteVersion, rollbackVersion, listParameterVersions];
