/** What the dataset page's parts share: the row type of the list and the viewer's read-only note. */
import type { RouterOutputs } from "../trpc.js";

/** One dataset version as the list returns it. */
export type DatasetInfo = RouterOutputs["datasets"]["list"][number];

export const DATASETS_READ_ONLY = "Read-only: your role is viewer. Importing and deleting datasets need the editor role.";
