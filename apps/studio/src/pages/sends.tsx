import { useQuery } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { api, unwrap } from "../api/client.js";
import { filtersFromForm, filtersFromUrl } from "../api/form-filters.js";
import { DataTable } from "../components/data-table.js";
import { DateTime } from "../components/date-time.js";
import { PageHeader } from "../components/page-header.js";
import { QueryView } from "../components/query-view.js";
import { StatusBadge } from "../components/status-badge.js";

const STATUSES = ["queued", "sending", "sent", "failed", "suppressed"] as const;
type Status = (typeof STATUSES)[number];
/** contactId arrives from a contact's "all sends" link and rides along as a hidden field. */
const TEXT_FILTERS = ["template", "userId", "contactId", "from", "to"] as const;

/** The same filters for every recipient, from the first page. */
function withoutContact(params: URLSearchParams): string {
  const next = new URLSearchParams(params);
  next.delete("contactId");
  next.delete("cursor");
  return next.toString();
}

export function Page() {
  const [params, setParams] = useSearchParams();
  const status = STATUSES.find((s) => s === params.get("status")) as Status | undefined;
  const filters = filtersFromUrl(params, TEXT_FILTERS);
  const filtered = status !== undefined || Object.keys(filters).length > 0;
  const cursor = params.get("cursor") ?? undefined;
  const sends = useQuery({
    queryKey: ["sends", status, filters, cursor],
    queryFn: () =>
      unwrap(
        api.GET("/v1/admin/emails", {
          params: {
            query: {
              limit: 50,
              ...filters,
              ...(status ? { status } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      ),
  });
  const onFilter = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setParams(filtersFromForm(event.currentTarget, ["status", ...TEXT_FILTERS]));
  };
  return (
    <>
      <PageHeader title="Sends" />
      <form className="toolbar" onSubmit={onFilter} aria-label="Filter sends" key={params.toString()}>
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
          <input name="template" defaultValue={filters.template ?? ""} placeholder="welcome" />
        </label>
        <label>
          Recipient user id
          <input name="userId" defaultValue={filters.userId ?? ""} maxLength={255} />
        </label>
        {filters.contactId && <input type="hidden" name="contactId" value={filters.contactId} />}
        <label>
          From
          <input name="from" type="date" defaultValue={filters.from ?? ""} />
        </label>
        <label>
          To (inclusive)
          <input name="to" type="date" defaultValue={filters.to ?? ""} />
        </label>
        <button type="submit">Filter</button>
      </form>
      {filters.contactId && (
        <p className="muted">
          Only sends to <Link to={`/contacts/${filters.contactId}`}>one contact</Link>.{" "}
          <Link to={`?${withoutContact(params)}`}>Show everyone</Link>
        </p>
      )}
      <QueryView query={sends}>
        {(data) => (
          <DataTable
            label="Sends"
            rows={data.items}
            rowKey={(s) => s.id}
            nextCursor={data.nextCursor}
            empty={filtered ? "No send matches these filters" : "No email sent yet"}
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
