import { useQuery } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { api, unwrap } from "../api/client.js";
import { DataTable } from "../components/data-table.js";
import { DateTime } from "../components/date-time.js";
import { PageHeader } from "../components/page-header.js";
import { QueryView } from "../components/query-view.js";
import { StatusBadge } from "../components/status-badge.js";

export function Page() {
  const [params, setParams] = useSearchParams();
  const name = params.get("name") ?? "";
  const cursor = params.get("cursor") ?? undefined;
  const events = useQuery({
    queryKey: ["events", name, cursor],
    queryFn: () =>
      unwrap(
        api.GET("/v1/admin/events", {
          params: { query: { limit: 50, ...(name ? { name } : {}), ...(cursor ? { cursor } : {}) } },
        }),
      ),
  });
  const onFilter = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get("name") ?? "").trim();
    setParams(value ? { name: value } : {});
  };
  return (
    <>
      <PageHeader title="Events" />
      <form className="toolbar" onSubmit={onFilter} aria-label="Filter events">
        <label>
          Event name
          <input name="name" defaultValue={name} placeholder="user_signed_up" />
        </label>
        <button type="submit">Filter</button>
      </form>
      <QueryView query={events}>
        {(data) => (
          <DataTable
            label="Events"
            rows={data.items}
            rowKey={(e) => e.id}
            nextCursor={data.nextCursor}
            empty={name ? `No ${name} events` : "No events yet"}
            columns={[
              { header: "Event", cell: (e) => <code>{e.name}</code> },
              {
                header: "Contact",
                cell: (e) =>
                  e.contactId ? <Link to={`/contacts/${e.contactId}`}>{e.userKey}</Link> : e.userKey,
              },
              { header: "Source", cell: (e) => e.source, wide: true },
              { header: "Delivery", cell: (e) => <StatusBadge status={e.delivery} />, wide: true },
              { header: "Occurred", cell: (e) => <DateTime value={e.occurredAt} /> },
            ]}
          />
        )}
      </QueryView>
    </>
  );
}
