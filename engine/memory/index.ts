// Conversation memory of AI nodes: the store interface the caller injects, and how a node reads and writes a thread.
export * from "./types.js";
export { createInMemoryMemoryStore } from "./in-memory.js";
export { fitWindow, messagesFor } from "./window.js";
export { foldSummary, summaryRequest, SUMMARY_INSTRUCTION, type FoldResult } from "./summary.js";
export { openMemory, type MemoryRecord, type MemorySession } from "./node.js";
