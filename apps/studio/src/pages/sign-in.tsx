import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { ME_KEY, signIn, useMe } from "../api/session.js";
import { ErrorView } from "../components/error-view.js";

export function SignInPage() {
  const me = useMe();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  // Only a path inside the Studio: never an open redirect.
  const next =
    params.get("next")?.startsWith("/") && !params.get("next")?.startsWith("//") ? params.get("next") : "/";
  if (me.data) return <Navigate to={next ?? "/"} replace />;

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      await signIn(String(form.get("email")), String(form.get("password")));
      await queryClient.invalidateQueries({ queryKey: ME_KEY });
      navigate(next ?? "/", { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in">
      <form onSubmit={onSubmit} className="card" aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to Hogsend Studio</h1>
        <label>
          Email
          <input name="email" type="email" autoComplete="username" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        {error !== undefined && <ErrorView error={error} title="Sign-in failed" />}
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        <p className="muted small">
          No account? An admin creates Studio users; the first admin comes from STUDIO_ADMIN_EMAIL or{" "}
          <code>hogsend studio admin create</code>.
        </p>
      </form>
    </main>
  );
}
