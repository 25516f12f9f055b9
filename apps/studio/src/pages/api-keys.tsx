import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { api, type Schemas, unwrap } from "../api/client.js";
import { useCan } from "../api/session.js";
import { ConfirmDialog } from "../components/confirm-dialog.js";
import { DataTable } from "../components/data-table.js";
import { DateTime } from "../components/date-time.js";
import { EmptyState } from "../components/empty-state.js";
import { ErrorView } from "../components/error-view.js";
import { PageHeader } from "../components/page-header.js";
import { QueryView } from "../components/query-view.js";

const SCOPES = ["ingest", "send", "read", "full-admin"] as const;

export function Page() {
  const isAdmin = useCan("manage");
  const queryClient = useQueryClient();
  // The secret lives only in this component's memory: a reload forgets it for good.
  const [created, setCreated] = useState<Schemas["CreatedApiKey"]>();
  const [revoking, setRevoking] = useState<Schemas["ApiKey"]>();
  const keys = useQuery({
    queryKey: ["api-keys"],
    queryFn: () => unwrap(api.GET("/v1/admin/api-keys")),
    enabled: isAdmin,
  });
  const create = useMutation({
    mutationFn: (body: Schemas["CreateApiKey"]) => unwrap(api.POST("/v1/admin/api-keys", { body })),
    onSuccess: (key) => {
      setCreated(key);
      void queryClient.invalidateQueries({ queryKey: ["api-keys"] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/v1/admin/api-keys/{id}", { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["api-keys"] }),
  });
  if (!isAdmin)
    return <EmptyState title="API keys are for admins">Ask an admin to create or revoke a key.</EmptyState>;

  const onCreate = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const scopes = SCOPES.filter((s) => form.get(`scope-${s}`) === "on");
    create.mutate({ name: String(form.get("name") ?? ""), scopes });
  };
  return (
    <>
      <PageHeader title="API keys" />
      <form className="card" onSubmit={onCreate} aria-labelledby="new-key">
        <h2 id="new-key">New key</h2>
        <label>
          Name
          <input name="name" required maxLength={100} placeholder="ci ingest" />
        </label>
        <fieldset>
          <legend>Scopes</legend>
          {SCOPES.map((s) => (
            <label key={s} className="inline">
              <input type="checkbox" name={`scope-${s}`} defaultChecked={s === "ingest"} /> {s}
            </label>
          ))}
        </fieldset>
        {create.isError && <ErrorView error={create.error} title="Could not create the key" />}
        <button type="submit" disabled={create.isPending}>
          Create key
        </button>
      </form>
      {created && (
        <div className="callout" role="status">
          <strong>Key “{created.name}” created. Copy it now: it is shown only once.</strong>
          <code className="secret" data-testid="new-key-secret">
            {created.secret}
          </code>
          <button type="button" className="secondary" onClick={() => setCreated(undefined)}>
            I have stored it
          </button>
        </div>
      )}
      {revoke.isError && <ErrorView error={revoke.error} title="Could not revoke the key" />}
      <QueryView query={keys}>
        {(data) => (
          <DataTable
            label="API keys"
            rows={data.items}
            rowKey={(k) => k.id}
            empty="No live API keys"
            columns={[
              { header: "Name", cell: (k) => k.name },
              { header: "Prefix", cell: (k) => <code>hsk_{k.prefix}…</code>, wide: true },
              { header: "Scopes", cell: (k) => k.scopes.join(", ") },
              { header: "Last used", cell: (k) => <DateTime value={k.lastUsedAt} />, wide: true },
              { header: "Created", cell: (k) => <DateTime value={k.createdAt} />, wide: true },
              {
                header: "Action",
                cell: (k) => (
                  <button
                    type="button"
                    className="danger"
                    disabled={revoke.isPending}
                    onClick={() => setRevoking(k)}
                  >
                    Revoke {k.name}
                  </button>
                ),
              },
            ]}
          />
        )}
      </QueryView>
      <ConfirmDialog
        open={revoking !== undefined}
        title={`Revoke ${revoking?.name ?? "key"}?`}
        confirmLabel="Revoke key"
        danger
        onConfirm={() => revoking && revoke.mutate(revoking.id)}
        onClose={() => setRevoking(undefined)}
      >
        <p>Every call made with it fails from now on. This cannot be undone.</p>
      </ConfirmDialog>
    </>
  );
}
