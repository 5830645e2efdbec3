/** Parsing REST bodies with zod so that a 400 names the deepest field that is wrong. */
import { z } from "zod";

type Issue = z.core.$ZodIssue;

/**
 * A failed union says "Invalid input" at the union's path; when exactly one branch took the
 * value's type (the others refused it at their root), that branch's issues are the real ones:
 * `objective: {direction: "up"}` reports `objective.direction`, not `objective`.
 */
function liftUnion(issue: Issue): Issue[] {
  if (issue.code !== "invalid_union" || !issue.errors?.length) return [issue];
  const typed = issue.errors.filter((errs) => !errs.some((e) => e.path.length === 0 && e.code === "invalid_type"));
  if (typed.length !== 1) return [issue];
  return typed[0].flatMap((e) => liftUnion({ ...e, path: [...issue.path, ...e.path] } as Issue));
}

/** Parses `body` with `schema`; throws a ZodError (a 400 with field paths) whose union issues are lifted to their fields. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  throw new z.ZodError(r.error.issues.flatMap(liftUnion));
}
