import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { safeText } from "../../engine/schema/text.js";
import { NodeIdSchema } from "../../engine/browser.js";
import { RoleSchema } from "../auth/roles.js";
import { procedure, router } from "../trpc.js";

const viewer = procedure("viewer");
const admin = procedure("admin");

const tokensRouter = router({
  /** The API tokens the caller may manage (never a secret), newest first: all of them for an unrestricted admin, only those within its grants for a limited one. */
  list: admin.query(({ ctx }) => ctx.services.auth.listTokensFor(ctx.principal)),

  /**
   * Creates a token within the caller's own scope (role at most its own; a caller limited to some
   * workflows must list workflows within its grants; no later expiry than the caller's token).
   * The secret is in this reply only and cannot be shown again.
   */
  create: admin
    .input(
      z.object({
        name: z.string().trim().pipe(safeText({ min: 1, max: 100 })),
        role: RoleSchema,
        workflows: z.array(NodeIdSchema).max(1000).optional(),
        expiresInDays: z.number().int().min(1).max(3650).optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.auth.createTokenAs(ctx.principal, {
        name: input.name,
        role: input.role,
        workflows: input.workflows,
        expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null,
      }),
    ),

  /** Revokes a token (within the caller's scope, FORBIDDEN otherwise) and ends its browser sessions. */
  revoke: admin.input(z.object({ id: z.string().min(1).max(100) })).mutation(async ({ ctx, input }) => {
    if (!(await ctx.services.auth.revokeTokenAs(ctx.principal, input.id))) {
      throw new TRPCError({ code: "NOT_FOUND", message: `token "${input.id}" not found` });
    }
    return { ok: true as const };
  }),
});

export const authRouter = router({
  /** The caller: name, role and the workflows it is limited to (null for all). */
  me: viewer.query(({ ctx }) => {
    const { id, name, role, workflows, via } = ctx.principal;
    return { id, name, role, workflows, via };
  }),

  tokens: tokensRouter,

  /**
   * A one-time sign-in code for someone else (open `/login#code=<code>` on this server). Its
   * session grants every workflow, so only an unrestricted admin may invite.
   */
  invite: admin
    .input(z.object({ name: z.string().trim().pipe(safeText({ min: 1, max: 100 })), role: RoleSchema }))
    .mutation(async ({ ctx, input }) => ({ code: await ctx.services.auth.inviteAs(ctx.principal, input) })),

  /** Security events (tokens, sign-ins, provider changes), newest first; they span every workflow, so an unrestricted admin only. */
  securityLog: admin
    .input(z.object({ limit: z.number().int().min(1).max(1000).default(100) }).default({ limit: 100 }))
    .query(({ ctx, input }) => {
      ctx.access.unlimited("reading the security log");
      return ctx.services.auth.log.list(input.limit);
    }),
});
