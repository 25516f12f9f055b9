import { useQueries, useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { api, unwrap } from "../api/client.js";
import { DataTable } from "../components/data-table.js";
import { PageHeader } from "../components/page-header.js";
import { QueryView } from "../components/query-view.js";
import { Skeleton } from "../components/skeleton.js";
import { StatusBadge } from "../components/status-badge.js";

const DAYS = 7;

/** The last `DAYS` local days, oldest first, as [start, end) ISO instants. */
function lastDays(now = new Date()) {
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  return Array.from({ length: DAYS }, (_, i) => {
    const from = new Date(today);
    from.setDate(today.getDate() - (DAYS - 1 - i));
    const to = new Date(from);
    to.setDate(from.getDate() + 1);
    return { label: from.toLocaleDateString(undefined, { weekday: "short", day: "numeric" }), from, to };
  });
}

export function OverviewPage() {
  const days = lastDays();
  const metrics = useQueries({
    queries: days.map((day) => ({
      queryKey: ["metrics", day.from.toISOString()],
      queryFn: () =>
        unwrap(
          api.GET("/v1/admin/metrics/emails", {
            params: { query: { from: day.from.toISOString(), to: day.to.toISOString() } },
          }),
        ),
    })),
  });
  const journeys = useQuery({ queryKey: ["journeys"], queryFn: () => unwrap(api.GET("/v1/admin/journeys")) });
  const health = useQuery({
    queryKey: ["health"],
    queryFn: async () => (await api.GET("/v1/health")).data ?? null,
  });
  const failed = metrics.find((m) => m.isError);
  return (
    <>
      <PageHeader title="Overview" />
      <section aria-labelledby="email-per-day">
        <h2 id="email-per-day">Email, last {DAYS} days</h2>
        {failed ? (
          <QueryView query={failed}>{() => null}</QueryView>
        ) : metrics.some((m) => m.isPending) ? (
          <Skeleton rows={DAYS} />
        ) : (
          <div className="table-scroll">
            <table aria-label="Email per day">
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  {["Sent", "Delivered", "Opened", "Clicked", "Bounced", "Failed"].map((h) => (
                    <th key={h} scope="col" className="num">
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {days.map((day, i) => {
                  const t = metrics[i]?.data?.total;
                  return (
                    <tr key={day.label}>
                      <th scope="row">{day.label}</th>
                      {[t?.sent, t?.delivered, t?.opened, t?.clicked, t?.bounced, t?.failed].map((n, j) => (
                        <td key={j} className="num">
                          {n ?? 0}
                        </td>
                      ))}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
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
