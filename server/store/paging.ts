/** Options of a newest-first, cursor-paginated listing of runs. */
export interface RunListOptions {
  workflowId?: string;
  /** Only runs of these workflows (a caller limited to some workflows). */
  workflowIds?: string[];
  status?: string;
  limit?: number;
  cursor?: string;
}

/**
 * The Prisma arguments shared by run listings: filter by workflow and status, newest first,
 * keyset cursor on id, one extra row fetched to know whether there is a next page.
 */
export function runListArgs(options: RunListOptions): {
  limit: number;
  args: { where: Record<string, unknown>; orderBy: Array<Record<string, "asc" | "desc">>; cursor?: { id: string }; skip?: number; take: number };
} {
  const limit = Math.min(500, Math.max(1, Math.trunc(options.limit ?? 50)));
  return {
    limit,
    args: {
      where: {
        ...(options.workflowId !== undefined
          ? { workflowId: options.workflowId }
          : options.workflowIds !== undefined
            ? { workflowId: { in: options.workflowIds } }
            : {}),
        ...(options.status !== undefined ? { status: options.status } : {}),
      },
      orderBy: [{ startedAt: "desc" }, { id: "desc" }],
      ...(options.cursor !== undefined ? { cursor: { id: options.cursor }, skip: 1 } : {}),
      take: limit + 1,
    },
  };
}
