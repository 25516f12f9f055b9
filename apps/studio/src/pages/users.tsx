import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { api, type Schemas, unwrap } from "../api/client.js";
import { useCan, useMe } from "../api/session.js";
import { ConfirmDialog } from "../components/confirm-dialog.js";
import { DataTable } from "../components/data-table.js";
import { EmptyState } from "../components/empty-state.js";
import { ErrorView } from "../components/error-view.js";
import { PageHeader } from "../components/page-header.js";
import { QueryView } from "../components/query-view.js";

const ROLES = ["viewer", "operator", "admin"] as const;

export function Page() {
  const isAdmin = useCan("manage");
  const myId = useMe().data?.id;
  const [resetting, setResetting] = useState<Schemas["StudioUser"]>();
  const queryClient = useQueryClient();
  const users = useQuery({
    queryKey: ["users"],
    queryFn: () => unwrap(api.GET("/v1/admin/users")),
    enabled: isAdmin,
  });
  const create = useMutation({
    mutationFn: (body: Schemas["CreateStudioUser"]) => unwrap(api.POST("/v1/admin/users", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["users"] }),
  });
  const changeRole = useMutation({
    mutationFn: ({ id, role }: { id: string; role: (typeof ROLES)[number] }) =>
      unwrap(api.PATCH("/v1/admin/users/{id}", { params: { path: { id } }, body: { role } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["users"] }),
  });
  const reset = useMutation({
    mutationFn: ({ id, password }: { id: string; password: string }) =>
      unwrap(api.POST("/v1/admin/users/{id}/password", { params: { path: { id } }, body: { password } })),
  });
  if (!isAdmin) return <EmptyState title="Users are managed by admins" />;

  const onCreate = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.mutate({
      email: String(form.get("email")),
      role: String(form.get("role")) as (typeof ROLES)[number],
      password: String(form.get("password")),
    });
    event.currentTarget.reset();
  };
  return (
    <>
      <PageHeader title="Users" />
      <form className="card" onSubmit={onCreate} aria-labelledby="new-user">
        <h2 id="new-user">New user</h2>
        <label>
          Email
          <input name="email" type="email" required autoComplete="off" />
        </label>
        <label>
          Role
          <select name="role" defaultValue="viewer">
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <label>
          First password (at least 8 characters)
          <input name="password" type="password" minLength={8} required autoComplete="new-password" />
        </label>
        {create.isError && <ErrorView error={create.error} title="Could not create the user" />}
        {create.isSuccess && <p role="status">Created {create.data.email}.</p>}
        <button type="submit" disabled={create.isPending}>
          Create user
        </button>
      </form>
      {changeRole.isError && <ErrorView error={changeRole.error} title="Could not change the role" />}
      {changeRole.isSuccess && <p role="status">Role changed; that user signs in again to use it.</p>}
      {reset.isError && <ErrorView error={reset.error} title="Could not reset the password" />}
      {reset.isSuccess && <p role="status">Password reset; that user's sessions ended.</p>}
      <QueryView query={users}>
        {(data) => (
          <DataTable
            label="Users"
            rows={data.items}
            rowKey={(u) => u.id}
            empty="No users"
            columns={[
              { header: "Email", cell: (u) => u.email },
              {
                header: "Role",
                cell: (u) =>
                  u.id === myId ? (
                    `${u.role} (you)`
                  ) : (
                    <select
                      aria-label={`Role of ${u.email}`}
                      value={u.role}
                      disabled={changeRole.isPending}
                      onChange={(event) =>
                        changeRole.mutate({ id: u.id, role: event.target.value as (typeof ROLES)[number] })
                      }
                    >
                      {ROLES.map((r) => (
                        <option key={r}>{r}</option>
                      ))}
                    </select>
                  ),
              },
              {
                header: "Action",
                cell: (u) => (
                  <button type="button" className="secondary" onClick={() => setResetting(u)}>
                    Reset password of {u.email}
                  </button>
                ),
              },
            ]}
          />
        )}
      </QueryView>
      <ConfirmDialog
        open={resetting !== undefined}
        title={`Reset the password of ${resetting?.email ?? "user"}`}
        confirmLabel="Set password"
        onConfirm={(fields) =>
          resetting && reset.mutate({ id: resetting.id, password: fields.password ?? "" })
        }
        onClose={() => setResetting(undefined)}
      >
        <p>Their sessions end; tell them the new password another way.</p>
        <label>
          New password (at least 8 characters)
          <input name="password" type="password" minLength={8} required autoComplete="new-password" />
        </label>
      </ConfirmDialog>
    </>
  );
}
