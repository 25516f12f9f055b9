import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { api, unwrap } from "../api/client.js";
import { DateTime } from "../components/date-time.js";
import { EmptyState } from "../components/empty-state.js";
import { PageHeader } from "../components/page-header.js";
import { QueryView } from "../components/query-view.js";
import { StatusBadge } from "../components/status-badge.js";

/** One enrollment: where the run stands, what it waits for, and every step it logged. */
export function Page() {
  const { id = "", stateId = "" } = useParams();
  const detail = useQuery({
    queryKey: ["journey-state", id, stateId],
    queryFn: () =>
      unwrap(api.GET("/v1/admin/journeys/{id}/states/{stateId}", { params: { path: { id, stateId } } })),
  });
  return (
    <QueryView query={detail} rows={8}>
      {({ state, waitingFor, logs, moreLogs }) => (
        <>
          <PageHeader title={`Enrollment of ${state.userKey}`} />
          <p className="muted">
            In <Link to={`/journeys/${encodeURIComponent(state.journeyId)}`}>{state.journeyId}</Link>
          </p>
          <dl className="facts">
            {[
              ["Status", <StatusBadge key="s" status={state.status} />],
              [
                "Contact",
                state.contactId ? (
                  <Link key="c" to={`/contacts/${state.contactId}`}>
                    {state.userKey}
                  </Link>
                ) : (
                  state.userKey
                ),
              ],
              ["Current step", state.currentStep ?? "—"],
              ["Waiting for", waitingFor ? <code key="w">{waitingFor}</code> : "—"],
              ["Until", state.waitDeadline ? <DateTime key="u" value={state.waitDeadline} /> : "—"],
              ["Started", <DateTime key="st" value={state.startedAt} />],
              ["Finished", state.finishedAt ? <DateTime key="f" value={state.finishedAt} /> : "—"],
              ["Reason", state.exitReason ?? state.error ?? "—"],
            ].map(([label, value]) => (
              <div className="fact" key={String(label)}>
                <dt>{label}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
          <section aria-labelledby="step-log">
            <h2 id="step-log">Step log</h2>
            {logs.length === 0 ? (
              <EmptyState title="The run has not logged a step yet" />
            ) : (
              <ol className="timeline" data-testid="step-log">
                {logs.map((log) => (
                  <li key={log.id}>
                    <span className="kind">{log.kind}</span>
                    <span className="title">
                      {log.message ?? ""}
                      {/* A sleep's end, a wait's timeout, a send's id: what the line is about. */}
                      {Object.keys(log.data).length > 0 && <code> {JSON.stringify(log.data)}</code>}
                    </span>
                    <DateTime value={log.createdAt} />
                  </li>
                ))}
              </ol>
            )}
            {moreLogs && <p className="muted">Only the first {logs.length} lines are shown.</p>}
          </section>
        </>
      )}
    </QueryView>
  );
}
