/**
 * Shows the sign-in screen or the app. The app gets a tRPC client bound to its session (CSRF
 * header, 401 → back to sign-in); the query cache is dropped whenever the user changes, so one
 * user never sees another's data.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { createClient, TRPCProvider } from "../trpc.js";
import { logout, type Session } from "./api.js";
import { bootOnce } from "./bootstrap.js";
import { AuthContext, type AuthContextValue } from "./context.js";
import { SignIn } from "./SignIn.js";

type State =
  | { status: "loading" }
  | { status: "signed-out"; error?: string; notice?: string }
  | { status: "signed-in"; session: Session };

export function AuthGate({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [state, setState] = useState<State>({ status: "loading" });

  useEffect(() => {
    let live = true;
    void bootOnce().then((r) => {
      if (live) setState(r.session ? { status: "signed-in", session: r.session } : { status: "signed-out", error: r.error });
    });
    return () => {
      live = false;
    };
  }, []);

  // The CSRF token of the session shown (null when signed out).
  const current = useRef<string | null>(null);
  useEffect(() => {
    current.current = state.status === "signed-in" ? state.session.csrfToken : null;
  }, [state]);

  const signedIn = useCallback(
    (session: Session) => {
      queryClient.clear();
      setState({ status: "signed-in", session });
    },
    [queryClient],
  );

  const signOut = useCallback(
    async (session: Session) => {
      let error: string | undefined;
      current.current = null; // answers of the ending session must not report an expiry
      try {
        await logout(session.csrfToken);
      } catch (err) {
        error = `Signing out failed: ${(err as Error).message}`;
      }
      queryClient.clear();
      setState({ status: "signed-out", error });
    },
    [queryClient],
  );

  // Only the session that got the 401 is ended (a late answer after sign-out changes nothing).
  const expired = useCallback(
    (csrfToken: string) => {
      if (current.current !== csrfToken) return;
      current.current = null;
      queryClient.clear();
      setState({ status: "signed-out", notice: "Your session has ended. Sign in again to continue." });
    },
    [queryClient],
  );

  if (state.status === "loading") return <div className="auth-splash" aria-busy="true" />;
  if (state.status === "signed-out") return <SignIn onSignedIn={signedIn} initialError={state.error} notice={state.notice} />;
  return (
    <SignedIn session={state.session} onSignOut={signOut} onExpired={expired}>
      {children}
    </SignedIn>
  );
}

function SignedIn({
  session,
  onSignOut,
  onExpired,
  children,
}: {
  session: Session;
  onSignOut: (session: Session) => Promise<void>;
  onExpired: (csrfToken: string) => void;
  children: ReactNode;
}) {
  const queryClient = useQueryClient();
  const { csrfToken } = session;
  // One client per session: its CSRF header is the session's. (onExpired is stable.)
  const trpcClient = useMemo(() => createClient({ csrfToken, onUnauthorized: () => onExpired(csrfToken) }), [csrfToken, onExpired]);
  const auth = useMemo<AuthContextValue>(
    () => ({ user: session.user, signOut: () => void onSignOut(session), expired: () => onExpired(csrfToken) }),
    [session, csrfToken, onSignOut, onExpired],
  );
  return (
    <AuthContext.Provider value={auth}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </AuthContext.Provider>
  );
}
