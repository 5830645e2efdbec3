import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { NodeIdSchema } from "../../engine/browser.js";
import { RoleSchema } from "../auth/roles.js";
import { procedure, router } from "../trpc.js";

const viewer = procedure("viewer");
const admin = procedure("admin");

const tokensRouter = router({
  /** Every API token (never a secret), newest first. */
  list: admin.query(({ ctx }) => ctx.services.auth.tokens.list()),

  /** Creates a token; the secret is in this reply only and cannot be shown again. */
  create: admin
    .input(
      z.object({
        name: z.string().trim().min(1).max(100),
        role: RoleSchema,
        workflows: z.array(NodeIdSchema).max(1000).optional(),
        expiresInDays: z.number().int().min(1).max(3650).optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.auth.createToken(
        {
          name: input.name,
          role: input.role,
          workflows: input.workflows,
          expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null,
        },
        ctx.principal.name,
      ),
    ),

  /** Revokes a token and ends its browser sessions. */
  revoke: admin.input(z.object({ id: z.string().min(1).max(100) })).mutation(async ({ ctx, input }) => {
    if (!(await ctx.services.auth.revokeToken(input.id, ctx.principal.name))) {
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

  /** A one-time sign-in code for someone else (open `/login#code=<code>` on this server). */
  invite: admin
    .input(z.object({ name: z.string().trim().min(1).max(100), role: RoleSchema }))
    .mutation(async ({ ctx, input }) => {
      const code = await ctx.services.auth.sessions.createLoginCode(input);
      await ctx.services.auth.log.record("invite.created", ctx.principal.name, input.name, { role: input.role });
      return { code };
    }),

  /** Security events (tokens, sign-ins, provider changes), newest first. */
  securityLog: admin
    .input(z.object({ limit: z.number().int().min(1).max(1000).default(100) }).default({ limit: 100 }))
    .query(({ ctx, input }) => ctx.services.auth.log.list(input.limit)),
});
