import { RoleSchema } from "../../server/auth/roles.js";
import type { AppServices } from "../../server/services/app.js";
import { EXIT, UsageError } from "../errors.js";
import { table } from "../format.js";
import { ActorNameSchema } from "../../engine/schema/labels.js";
import { textOption } from "../text-option.js";

/** The local server's URL (FLOWTUNE_PUBLIC_URL, else FLOWTUNE_HOST:FLOWTUNE_PORT as `npm start` uses them). */
export function serverBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FLOWTUNE_PUBLIC_URL) return env.FLOWTUNE_PUBLIC_URL;
  const host = env.FLOWTUNE_HOST || "127.0.0.1";
  return `http://${host.includes(":") ? `[${host}]` : host}:${env.FLOWTUNE_PORT || "5175"}`;
}

function cliActor(): string {
  return `cli:${process.env.USER || process.env.USERNAME || "local"}`;
}

/** `flowtune token create --role R [--workflow W]… [--name N] [--expires-days D] [--json]`: prints the secret once. */
export async function tokenCreateCommand(
  flags: { role: string; workflow?: string[]; name?: string; expiresDays?: string; json?: boolean },
  services: () => Promise<AppServices>,
): Promise<number> {
  const role = RoleSchema.safeParse(flags.role);
  if (!role.success) throw new UsageError(`--role must be viewer, editor or admin (got "${flags.role}")`);
  let expiresAt: Date | null = null;
  if (flags.expiresDays !== undefined) {
    const days = Number(flags.expiresDays);
    if (!Number.isInteger(days) || days < 1) throw new UsageError(`--expires-days must be a whole number of days ≥ 1 (got "${flags.expiresDays}")`);
    expiresAt = new Date(Date.now() + days * 86_400_000);
  }
  // The name becomes the principal's name, recorded as the actor of what the token does.
  const name = flags.name?.trim() ? textOption(ActorNameSchema, flags.name, "--name") : `${role.data}-token`;
  const { token, secret } = await (await services()).auth.createToken({ name, role: role.data, workflows: flags.workflow, expiresAt }, cliActor());
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ ...token, secret }, null, 2)}\n`);
    return EXIT.ok;
  }
  const scope = token.workflows ? `workflows ${token.workflows.join(", ")}` : "every workflow";
  process.stderr.write(`created ${token.id} "${token.name}" (${token.role}, ${scope}${token.expiresAt ? `, expires ${token.expiresAt.toISOString()}` : ""})\n`);
  process.stderr.write("the secret is shown once; send it as `Authorization: Bearer <secret>`:\n");
  process.stdout.write(`${secret}\n`);
  return EXIT.ok;
}

/** `flowtune token list [--json]`: every token, never a secret. */
export async function tokenListCommand(flags: { json?: boolean }, services: () => Promise<AppServices>): Promise<number> {
  const tokens = await (await services()).auth.tokens.list();
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(tokens, null, 2)}\n`);
    return EXIT.ok;
  }
  if (tokens.length === 0) {
    process.stdout.write("no API tokens yet — try: npx flowtune token create --role editor --name ci\n");
    return EXIT.ok;
  }
  const when = (d: Date | null) => (d ? d.toISOString().replace("T", " ").slice(0, 16) : "-");
  const state = (t: (typeof tokens)[number]) => (t.revokedAt ? "revoked" : t.expiresAt && t.expiresAt.getTime() <= Date.now() ? "expired" : "active");
  process.stdout.write(
    `${table(
      ["id", "name", "role", "workflows", "state", "created", "last used", "expires"],
      tokens.map((t) => [t.id, t.name, t.role, t.workflows?.join(",") ?? "*", state(t), when(t.createdAt), when(t.lastUsedAt), when(t.expiresAt)]),
    )}\n`,
  );
  return EXIT.ok;
}

/** `flowtune token revoke ID`: the token stops working at once, and its browser sessions end. */
export async function tokenRevokeCommand(id: string, services: () => Promise<AppServices>): Promise<number> {
  if (!(await (await services()).auth.revokeToken(id, cliActor()))) throw new UsageError(`no token "${id}" (see: flowtune token list)`);
  process.stdout.write(`revoked ${id}\n`);
  return EXIT.ok;
}

/** `flowtune login-url [--name N] [--role R] [--json]`: a fresh one-time sign-in link for the editor. */
export async function loginUrlCommand(flags: { name?: string; role?: string; json?: boolean }, services: () => Promise<AppServices>): Promise<number> {
  const role = RoleSchema.safeParse(flags.role ?? "admin");
  if (!role.success) throw new UsageError(`--role must be viewer, editor or admin (got "${flags.role}")`);
  const name = flags.name?.trim() ? textOption(ActorNameSchema, flags.name, "--name") : "owner";
  const url = await (await services()).auth.loginUrl(serverBaseUrl(), { name, role: role.data });
  process.stdout.write(flags.json ? `${JSON.stringify({ url })}\n` : `${url}\n`);
  return EXIT.ok;
}
