import type { z } from "zod";
import type { FewShotExampleSchema } from "../schema/graph.js";

/** A few-shot demo: a user input and the assistant's answer. */
export type FewShotExample = z.infer<typeof FewShotExampleSchema>;
