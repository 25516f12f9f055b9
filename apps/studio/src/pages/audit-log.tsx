import { useQuery } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { useSearchParams } from "react-router";
import { api, unwrap } from "../api/client.js";
import { filtersFromForm, filtersFromUrl } from "../api/form-filters.js";
import { DataTable } from "../components/data-table.js";
import { DateTime } from "../components/date-time.js";
import { PageHeader } from "../components/page-header.js";
import { QueryView } from "../components/query-view.js";

const ACTOR_TYPES = ["user", "api_key", "admin_key", "system"] as const;
type ActorType = (typeof ACTOR_TYPES)[number];
const TEXT_FILTERS = ["actorId", "action", "resourceType", "resourceId", "from", "to"] as const;

export function Page() {
  const [params, setParams] = useSearchParams();
  const cursor = params.get("cursor") ?? undefined;
  const actorType = ACTOR_TYPES.find((t) => t === params.get("actorType")) as ActorType | undefined;
  const filters = filtersFromUrl(params, TEXT_FILTERS);
  const filtered = actorType !== undefined || Object.keys(filters).length > 0;
  const logs = useQuery({
    queryKey: ["audit-logs", actorType, filters, cursor],
    queryFn: () =>
      unwrap(
        api.GET("/v1/admin/audit-logs", {
          params: {
            query: {
              limit: 50,
              ...filters,
              ...(actorType ? { actorType } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      ),
  });
  const onFilter = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setParams(filtersFromForm(event.currentTarget, ["actorType", ...TEXT_FILTERS]));
  };
  return (
    <>
      <PageHeader title="Audit log" />
      {/* Keyed on the URL so Back/Forward refill the fields with the filters in force. */}
      <form className="toolbar" onSubmit={onFilter} aria-label="Filter the audit log" key={params.toString()}>
        <label>
          Actor type
          <select name="actorType" defaultValue={actorType ?? ""}>
            <option value="">any</option>
            {ACTOR_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          Actor id
          <input name="actorId" defaultValue={filters.actorId ?? ""} placeholder="user or key id" />
        </label>
        <label>
          Action
          <input name="action" defaultValue={filters.action ?? ""} placeholder="journey.update" />
        </label>
        <label>
          Resource type
          <input name="resourceType" defaultValue={filters.resourceType ?? ""} placeholder="contact" />
        </label>
        <label>
          Resource id
          <input name="resourceId" defaultValue={filters.resourceId ?? ""} />
        </label>
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
      <QueryView query={logs}>
        {(data) => (
          <DataTable
            label="Audit log"
            rows={data.items}
            rowKey={(r) => r.id}
            nextCursor={data.nextCursor}
            empty={filtered ? "No audit row matches these filters" : "No admin action recorded yet"}
            columns={[
              { header: "When", cell: (r) => <DateTime value={r.createdAt} /> },
              { header: "Action", cell: (r) => <code>{r.action}</code> },
              { header: "Resource", cell: (r) => `${r.resourceType} ${r.resourceId ?? ""}` },
              {
                header: "Actor",
                cell: (r) => `${r.actorType}${r.actorId ? ` ${r.actorId}` : ""}`,
                wide: true,
              },
              {
                header: "Details",
                cell: (r) => <code className="small">{JSON.stringify(r.metadata)}</code>,
                wide: true,
              },
            ]}
          />
        )}
      </QueryView>
    </>
  );
}
