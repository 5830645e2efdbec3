// The pure subset the editor may import: schemas, types, node-kind metadata and validation.
export * from "./schema/graph.js";
export * from "./schema/events.js";
export * from "./schema/optimizer.js";
export * from "./schema/tools.js";
export * from "./schema/memory.js";
export * from "./errors.js";
export { validateGraph, parseGraph, type ValidationResult } from "./graph/validate.js";
export { indexGraph, topologicalOrder, ancestorsOf, descendantsOf, type GraphIndex } from "./graph/model.js";
export { resolveInputs } from "./graph/inputs.js";
export { datasetNameCandidates } from "./dataset/ref.js";
export { providerReferences, providerNotConfigured, unavailableProviderIssues, type ProviderReference } from "./providers/references.js";
