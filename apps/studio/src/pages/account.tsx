import { useMutation } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { api, unwrap } from "../api/client.js";
import { useMe } from "../api/session.js";
import { ErrorView } from "../components/error-view.js";
import { PageHeader } from "../components/page-header.js";

export function Page() {
  const me = useMe();
  const change = useMutation({
    mutationFn: (body: { currentPassword: string; newPassword: string }) =>
      unwrap(api.POST("/v1/admin/me/password", { body })),
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    change.mutate({
      currentPassword: String(form.get("currentPassword")),
      newPassword: String(form.get("newPassword")),
    });
    event.currentTarget.reset();
  };
  return (
    <>
      <PageHeader title="Your account" />
      <p>
        {me.data?.email}, role <strong>{me.data?.role}</strong>.
      </p>
      <form className="card" onSubmit={onSubmit} aria-labelledby="change-password">
        <h2 id="change-password">Change password</h2>
        <label>
          Current password
          <input name="currentPassword" type="password" required autoComplete="current-password" />
        </label>
        <label>
          New password (at least 8 characters)
          <input name="newPassword" type="password" minLength={8} required autoComplete="new-password" />
        </label>
        {change.isError && <ErrorView error={change.error} title="Password not changed" />}
        {change.isSuccess && <p role="status">Password changed; your other sessions were signed out.</p>}
        <button type="submit" disabled={change.isPending}>
          Change password
        </button>
      </form>
    </>
  );
}
