// The optimizer configuration schema lives with the graph schemas (optimizer nodes embed it).
export * from "../schema/optimizer.js";
