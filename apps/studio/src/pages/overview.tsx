import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { api, unwrap } from "../api/client.js";
import { DailyChart, fillDays } from "../components/daily-chart.js";
import { DataTable } from "../components/data-table.js";
import { DateTime } from "../components/date-time.js";
import { PageHeader } from "../components/page-header.js";
import { QueryView } from "../components/query-view.js";
import { StatusBadge } from "../components/status-badge.js";

const DAYS = 30;
const RECENT_FAILURES = 5;

export function OverviewPage() {
  // One call: the API answers per UTC day; the days without a send are filled with zeros here.
  const now = new Date();
  const since = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (DAYS - 1) * 86_400_000,
  );
  const metrics = useQuery({
    queryKey: ["metrics", "days", since.toISOString()],
    queryFn: () =>
      unwrap(api.GET("/v1/admin/metrics/emails", { params: { query: { from: since.toISOString() } } })),
  });
  const journeys = useQuery({ queryKey: ["journeys"], queryFn: () => unwrap(api.GET("/v1/admin/journeys")) });
  const failedSends = useQuery({
    queryKey: ["sends", "failed", "recent"],
    queryFn: () =>
      unwrap(
        api.GET("/v1/admin/emails", { params: { query: { status: "failed", limit: RECENT_FAILURES } } }),
      ),
  });
  const health = useQuery({
    queryKey: ["health"],
    queryFn: async () => (await api.GET("/v1/health")).data ?? null,
  });
  return (
    <>
      <PageHeader title="Overview" />
      <section aria-labelledby="email-per-day">
        <h2 id="email-per-day">Email, last {DAYS} days (UTC)</h2>
        <QueryView query={metrics} rows={6}>
          {(data) => {
            const days = fillDays(data.days, DAYS);
            if (data.total.total === 0) return <p className="muted">No email in the last {DAYS} days.</p>;
            return (
              <>
                <DailyChart days={days} />
                <p className="muted small">
                  Bars: sent per day; the dark part, opened. {data.total.sent} sent, {data.total.delivered}{" "}
                  delivered, {data.total.opened} opened, {data.total.clicked} clicked, {data.total.bounced}{" "}
                  bounced, {data.total.complained} complaints, {data.total.failed} failed.
                </p>
                <details>
                  <summary>Per day</summary>
                  <div className="table-scroll">
                    <table aria-label="Email per day">
                      <thead>
                        <tr>
                          <th scope="col">Day</th>
                          {["Sent", "Delivered", "Opened", "Clicked", "Bounced", "Complaints", "Failed"].map(
                            (h) => (
                              <th key={h} scope="col" className="num">
                                {h}
                              </th>
                            ),
                          )}
                        </tr>
                      </thead>
                      <tbody>
                        {[...days].reverse().map((d) => (
                          <tr key={d.day}>
                            <th scope="row">{d.day}</th>
                            {[
                              d.sent,
                              d.delivered,
                              d.opened,
                              d.clicked,
                              d.bounced,
                              d.complained,
                              d.failed,
                            ].map((n, j) => (
                              <td key={j} className="num">
                                {n}
                              </td>
                            ))}
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                </details>
              </>
            );
          }}
        </QueryView>
      </section>
      <section aria-labelledby="recent-failures">
        <h2 id="recent-failures">Recent failures</h2>
        <QueryView query={failedSends} rows={2}>
          {(data) => (
            <>
              <DataTable
                label="Recently failed sends"
                rows={data.items}
                rowKey={(send) => send.id}
                empty="No send has failed"
                columns={[
                  { header: "Email", cell: (send) => <Link to={`/sends/${send.id}`}>{send.subject}</Link> },
                  { header: "To", cell: (send) => send.toEmail, wide: true },
                  { header: "Reason", cell: (send) => send.reason ?? "" },
                  { header: "When", cell: (send) => <DateTime value={send.createdAt} />, wide: true },
                ]}
              />
              {data.nextCursor && (
                <p>
                  <Link to="/sends?status=failed">All failed sends</Link>
                </p>
              )}
            </>
          )}
        </QueryView>
      </section>
      <div className="two-col">
        <section aria-labelledby="enrollments">
          <h2 id="enrollments">Active enrollments</h2>
          <QueryView query={journeys} rows={3}>
            {(data) => (
              <DataTable
                label="Active enrollments per journey"
                rows={data.items}
                rowKey={(j) => j.id}
                empty="No journeys in this deployment"
                columns={[
                  {
                    header: "Journey",
                    cell: (j) => <Link to={`/journeys/${encodeURIComponent(j.id)}`}>{j.name}</Link>,
                  },
                  { header: "Active", cell: (j) => j.counts.active + j.counts.waiting },
                  {
                    header: "Failed runs",
                    cell: (j) =>
                      j.counts.failed > 0 ? (
                        <Link to={`/journeys/${encodeURIComponent(j.id)}?status=failed`}>
                          {j.counts.failed}
                        </Link>
                      ) : (
                        0
                      ),
                  },
                  {
                    header: "State",
                    cell: (j) => <StatusBadge status={j.enabled ? "enabled" : "disabled"} />,
                  },
                ]}
              />
            )}
          </QueryView>
        </section>
        <section aria-labelledby="health">
          <h2 id="health">Health</h2>
          <QueryView query={health} rows={3}>
            {(data) =>
              data ? (
                <dl className="facts">
                  <div className="fact">
                    <dt>Status</dt>
                    <dd>
                      <StatusBadge status={data.status} />
                    </dd>
                  </div>
                  {Object.entries(data.components).map(([name, c]) => (
                    <div key={name} className="fact">
                      <dt>{name}</dt>
                      <dd>
                        <StatusBadge status={c.status} />{" "}
                        {c.error && <span className="muted small">{c.error}</span>}
                      </dd>
                    </div>
                  ))}
                  {(["engine", "client"] as const).map((track) => {
                    const t = data.schema[track];
                    return (
                      <div key={track} className="fact">
                        <dt>{track} migrations</dt>
                        <dd>
                          {t === null ? (
                            <StatusBadge status="unknown" />
                          ) : (
                            <>
                              <StatusBadge status={t.inSync ? "applied" : "pending"} />{" "}
                              <span className="muted small">
                                {t.applied} of {t.required}
                                {t.pending.length > 0 && `; pending ${t.pending.join(", ")}`}
                              </span>
                            </>
                          )}
                        </dd>
                      </div>
                    );
                  })}
                  <div className="fact">
                    <dt>Version</dt>
                    <dd>{data.version}</dd>
                  </div>
                </dl>
              ) : (
                <p className="muted">The health endpoint did not answer.</p>
              )
            }
          </QueryView>
        </section>
      </div>
    </>
  );
}
