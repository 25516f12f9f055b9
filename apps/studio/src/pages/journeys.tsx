import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router";
import { api, unwrap } from "../api/client.js";
import { useCan } from "../api/session.js";
import { DataTable } from "../components/data-table.js";
import { ErrorView } from "../components/error-view.js";
import { PageHeader } from "../components/page-header.js";
import { QueryView } from "../components/query-view.js";
import { StatusBadge } from "../components/status-badge.js";

export function Page() {
  const canAct = useCan("act");
  const queryClient = useQueryClient();
  const journeys = useQuery({ queryKey: ["journeys"], queryFn: () => unwrap(api.GET("/v1/admin/journeys")) });
  const toggle = useMutation({
    mutationFn: ({ id, enabled }: { id: string; enabled: boolean }) =>
      unwrap(api.PATCH("/v1/admin/journeys/{id}", { params: { path: { id } }, body: { enabled } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["journeys"] }),
  });
  return (
    <>
      <PageHeader title="Journeys" />
      {toggle.isError && <ErrorView error={toggle.error} title="Could not change the journey" />}
      <QueryView query={journeys}>
        {(data) => (
          <DataTable
            label="Journeys"
            rows={data.items}
            rowKey={(j) => j.id}
            empty="No journeys in this deployment"
            columns={[
              {
                header: "Journey",
                cell: (j) => <Link to={`/journeys/${encodeURIComponent(j.id)}`}>{j.name}</Link>,
              },
              { header: "Trigger", cell: (j) => <code>{j.trigger.event}</code>, wide: true },
              { header: "Active", cell: (j) => j.counts.active + j.counts.waiting },
              { header: "Completed", cell: (j) => j.counts.completed, wide: true },
              { header: "Exited", cell: (j) => j.counts.exited, wide: true },
              { header: "State", cell: (j) => <StatusBadge status={j.enabled ? "enabled" : "disabled"} /> },
              ...(canAct
                ? [
                    {
                      header: "Action",
                      cell: (j: (typeof data.items)[number]) => (
                        <button
                          type="button"
                          className="secondary"
                          disabled={toggle.isPending}
                          onClick={() => toggle.mutate({ id: j.id, enabled: !j.enabled })}
                        >
                          {j.enabled ? `Disable ${j.name}` : `Enable ${j.name}`}
                        </button>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        )}
      </QueryView>
    </>
  );
}
