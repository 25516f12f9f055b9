import { useQuery } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { api, unwrap } from "../api/client.js";
import { DataTable } from "../components/data-table.js";
import { DateTime } from "../components/date-time.js";
import { PageHeader } from "../components/page-header.js";
import { QueryView } from "../components/query-view.js";
import { StatusBadge } from "../components/status-badge.js";

const STATUSES = ["queued", "sending", "sent", "failed", "suppressed"] as const;
type Status = (typeof STATUSES)[number];

export function Page() {
  const [params, setParams] = useSearchParams();
  const status = STATUSES.find((s) => s === params.get("status")) as Status | undefined;
  const template = params.get("template") ?? "";
  const cursor = params.get("cursor") ?? undefined;
  const sends = useQuery({
    queryKey: ["sends", status, template, cursor],
    queryFn: () =>
      unwrap(
        api.GET("/v1/admin/emails", {
          params: {
            query: {
              limit: 50,
              ...(status ? { status } : {}),
              ...(template ? { template } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      ),
  });
  const onFilter = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next: Record<string, string> = {};
    for (const key of ["status", "template"]) {
      const value = String(form.get(key) ?? "").trim();
      if (value) next[key] = value;
    }
    setParams(next);
  };
  return (
    <>
      <PageHeader title="Sends" />
      <form className="toolbar" onSubmit={onFilter} aria-label="Filter sends">
        <label>
          Status
          <select name="status" defaultValue={status ?? ""}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Template
          <input name="template" defaultValue={template} placeholder="welcome" />
        </label>
        <button type="submit">Filter</button>
      </form>
      <QueryView query={sends}>
        {(data) => (
          <DataTable
            label="Sends"
            rows={data.items}
            rowKey={(s) => s.id}
            nextCursor={data.nextCursor}
            empty={status || template ? "No send matches these filters" : "No email sent yet"}
            columns={[
              { header: "Subject", cell: (s) => <Link to={`/sends/${s.id}`}>{s.subject}</Link> },
              { header: "To", cell: (s) => s.toEmail, wide: true },
              { header: "Template", cell: (s) => <code>{s.template}</code>, wide: true },
              { header: "Status", cell: (s) => <StatusBadge status={s.status} /> },
              { header: "Created", cell: (s) => <DateTime value={s.createdAt} /> },
            ]}
          />
        )}
      </QueryView>
    </>
  );
}
