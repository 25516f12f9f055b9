import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "react-router";
import { api, unwrap } from "../api/client.js";
import { DataTable } from "../components/data-table.js";
import { DateTime } from "../components/date-time.js";
import { PageHeader } from "../components/page-header.js";
import { QueryView } from "../components/query-view.js";

export function Page() {
  const [params] = useSearchParams();
  const cursor = params.get("cursor") ?? undefined;
  const logs = useQuery({
    queryKey: ["audit-logs", cursor],
    queryFn: () =>
      unwrap(
        api.GET("/v1/admin/audit-logs", { params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } } }),
      ),
  });
  return (
    <>
      <PageHeader title="Audit log" />
      <QueryView query={logs}>
        {(data) => (
          <DataTable
            label="Audit log"
            rows={data.items}
            rowKey={(r) => r.id}
            nextCursor={data.nextCursor}
            empty="No admin action recorded yet"
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
