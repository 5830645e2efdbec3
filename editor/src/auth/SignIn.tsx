/** The sign-in screen: how to get a login link, and a form for an API token or a pasted link. */
import { useState, type FormEvent } from "react";
import { BrandLogo } from "../ui.js";
import { login, type Session } from "./api.js";
import { parseCredential } from "./credential.js";

export interface SignInProps {
  onSignedIn: (session: Session) => void;
  /** An error from before the screen showed (a used login link, an unreachable server). */
  initialError?: string;
  /** A neutral message, e.g. that the session ended. */
  notice?: string;
}

export function SignIn({ onSignedIn, initialError, notice }: SignInProps) {
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | undefined>(initialError);
  const [pending, setPending] = useState(false);

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setError(undefined);
    let credential;
    try {
      credential = parseCredential(value);
    } catch (err) {
      setError((err as Error).message);
      return;
    }
    setPending(true);
    try {
      const session = await login(credential);
      onSignedIn(session);
    } catch (err) {
      setError((err as Error).message);
      setPending(false);
    }
  }

  return (
    <div className="signin">
      <main className="signin__card" aria-labelledby="signin-title">
        <div className="signin__brand">
          <BrandLogo size={36} />
          <span className="signin__brand-name">Flowtune</span>
        </div>
        <h1 id="signin-title">Sign in</h1>
        {notice ? (
          <div className="notice-box" role="status" data-testid="signin-notice">
            {notice}
          </div>
        ) : null}
        <p className="signin__lead">
          Open the login link printed by <code>npm start</code>, or run <code>npx flowtune login-url</code> for a new one.
          Each link works once.
        </p>

        <div className="signin__divider">
          <span>or paste an API token</span>
        </div>

        <form className="signin__form" data-testid="signin-form" onSubmit={submit} noValidate>
          <label className="field" htmlFor="signin-token">
            <span className="signin__label">API token or login link</span>
            <input
              id="signin-token"
              data-testid="signin-token"
              type="password"
              autoComplete="off"
              spellCheck={false}
              placeholder="ft_…  or  http://…/login#code=ftl_…"
              value={value}
              onChange={(e) => setValue(e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? "signin-error" : undefined}
              autoFocus
            />
          </label>
          {error ? (
            <div className="error-box" id="signin-error" role="alert" data-testid="signin-error">
              {error}
            </div>
          ) : null}
          <button type="submit" className="btn btn-primary signin__submit" data-testid="signin-submit" disabled={pending}>
            {pending ? <span className="spinner" aria-hidden="true" /> : null}
            {pending ? "Signing in…" : "Sign in"}
          </button>
        </form>
      </main>
      <p className="signin__foot muted small">Workflow graphs for LLM pipelines</p>
    </div>
  );
}
