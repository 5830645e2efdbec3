/** Who is signed in (name, role) and the Sign out button, for the top bar. */
import { useAuth } from "./context.js";

function initials(name: string): string {
  const parts = name.trim().split(/[\s._@-]+/).filter(Boolean);
  return (parts.length > 1 ? parts[0][0] + parts[1][0] : (parts[0] ?? "?").slice(0, 2)).toUpperCase();
}

export function UserBadge() {
  const { user, signOut } = useAuth();
  const scope = user.workflows === null ? "all workflows" : user.workflows.length ? user.workflows.join(", ") : "no workflows";
  return (
    <div className="user-badge" data-testid="user-badge" data-role={user.role} title={`Signed in as ${user.name} (${user.role}) · access: ${scope}`}>
      <span className="user-badge__avatar" aria-hidden="true">
        {initials(user.name)}
      </span>
      <span className="user-badge__name">{user.name}</span>
      <span className={`role-pill role-${user.role}`}>{user.role}</span>
      <button type="button" className="btn btn-sm" data-testid="signout-button" onClick={signOut}>
        Sign out
      </button>
    </div>
  );
}
