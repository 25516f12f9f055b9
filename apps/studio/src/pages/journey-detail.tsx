import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useParams, useSearchParams } from "react-router";
import { api, unwrap } from "../api/client.js";
import { useCan } from "../api/session.js";
import { DataTable } from "../components/data-table.js";
import { DateTime } from "../components/date-time.js";
import { EnrollForm } from "../components/enroll-form.js";
import { ErrorView } from "../components/error-view.js";
import { PageHeader } from "../components/page-header.js";
import { QueryView } from "../components/query-view.js";
import { StatusBadge } from "../components/status-badge.js";

const STATUSES = ["active", "waiting", "completed", "failed", "exited"] as const;
type Status = (typeof STATUSES)[number];

export function Page() {
  const { id = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const status = STATUSES.find((s) => s === params.get("status")) as Status | undefined;
  const cursor = params.get("cursor") ?? undefined;
  const canAct = useCan("act");
  const queryClient = useQueryClient();
  const journeys = useQuery({ queryKey: ["journeys"], queryFn: () => unwrap(api.GET("/v1/admin/journeys")) });
  const states = useQuery({
    queryKey: ["journey-states", id, status, cursor],
    queryFn: () =>
      unwrap(
        api.GET("/v1/admin/journeys/{id}/states", {
          params: {
            path: { id },
            query: { limit: 50, ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) },
          },
        }),
      ),
  });
  const cancel = useMutation({
    mutationFn: (stateId: string) =>
      unwrap(api.DELETE("/v1/admin/journeys/{id}/states/{stateId}", { params: { path: { id, stateId } } })),
    onSuccess: async () => {
      // The status counts on the tabs come from the journey list.
      await queryClient.invalidateQueries({ queryKey: ["journey-states", id] });
      await queryClient.invalidateQueries({ queryKey: ["journeys"] });
    },
  });
  const journey = journeys.data?.items.find((j) => j.id === id);
  return (
    <>
      <PageHeader title={journey?.name ?? id} />
      {journey && (
        <p className="muted">
          Triggered by <code>{journey.trigger.event}</code>
          {journey.exitOn.length > 0 && (
            <>
              , exits on <code>{journey.exitOn.join(", ")}</code>
            </>
          )}
          . <StatusBadge status={journey.enabled ? "enabled" : "disabled"} />
        </p>
      )}
      <nav className="tabs" aria-label="Enrollment status">
        <button type="button" aria-pressed={!status} onClick={() => setParams({})}>
          All
        </button>
        {STATUSES.map((s) => (
          <button key={s} type="button" aria-pressed={status === s} onClick={() => setParams({ status: s })}>
            {s} {journey ? `(${journey.counts[s]})` : ""}
          </button>
        ))}
      </nav>
      {canAct && <EnrollForm journeyId={id} />}
      {cancel.isError && <ErrorView error={cancel.error} title="Could not cancel the enrollment" />}
      <QueryView query={states}>
        {(data) => (
          <DataTable
            label="Enrollments"
            rows={data.items}
            rowKey={(s) => s.id}
            nextCursor={data.nextCursor}
            empty={status ? `No ${status} enrollments` : "No enrollments yet"}
            columns={[
              {
                header: "Contact",
                cell: (s) =>
                  s.contactId ? <Link to={`/contacts/${s.contactId}`}>{s.userKey}</Link> : s.userKey,
              },
              { header: "Status", cell: (s) => <StatusBadge status={s.status} /> },
              { header: "Step", cell: (s) => s.currentStep ?? "—", wide: true },
              { header: "Started", cell: (s) => <DateTime value={s.startedAt} /> },
              {
                header: "Log",
                cell: (s) => <Link to={`/journeys/${encodeURIComponent(id)}/states/${s.id}`}>Step log</Link>,
              },
              { header: "Reason", cell: (s) => s.exitReason ?? s.error ?? "", wide: true },
              ...(canAct
                ? [
                    {
                      header: "Action",
                      cell: (s: (typeof data.items)[number]) =>
                        s.status === "active" || s.status === "waiting" ? (
                          <button
                            type="button"
                            className="secondary"
                            disabled={cancel.isPending}
                            onClick={() => cancel.mutate(s.id)}
                          >
                            Cancel
                          </button>
                        ) : null,
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
