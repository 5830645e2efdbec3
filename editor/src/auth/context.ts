/** The signed-in user, for any component below the auth gate. */
import { createContext, useContext } from "react";
import type { Role, SessionUser } from "./api.js";

export interface AuthContextValue {
  user: SessionUser;
  signOut: () => void;
  /** Ends the session on the client after a 401 the tRPC fetch did not see (an SSE stream's). */
  expired: () => void;
}

export const AuthContext = createContext<AuthContextValue | null>(null);

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth() outside the signed-in app");
  return value;
}

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

/** Whether a role may start, cancel, pause and resume runs (the server enforces it too). */
export function canRun(role: Role): boolean {
  return RANK[role] >= RANK.editor;
}

export const EDITOR_ROLE_NEEDED = "Read-only: your role is viewer. Running workflows needs the editor role.";
