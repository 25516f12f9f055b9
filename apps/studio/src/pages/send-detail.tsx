import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { api, unwrap } from "../api/client.js";
import { useCan } from "../api/session.js";
import { DataTable } from "../components/data-table.js";
import { DateTime } from "../components/date-time.js";
import { ErrorView } from "../components/error-view.js";
import { PageHeader } from "../components/page-header.js";
import { QueryView } from "../components/query-view.js";
import { StatusBadge } from "../components/status-badge.js";

export function Page() {
  const { id = "" } = useParams();
  const canAct = useCan("act");
  const queryClient = useQueryClient();
  const detail = useQuery({
    queryKey: ["send", id],
    queryFn: () => unwrap(api.GET("/v1/admin/emails/{id}", { params: { path: { id } } })),
  });
  // A probe of the render in JSON: a send that cannot be rendered (erased, template gone, props
  // refused) shows the api's reason instead of an error body inside the frame.
  const rendered = useQuery({
    queryKey: ["send-rendered", id],
    queryFn: () =>
      unwrap(
        api.GET("/v1/admin/emails/{id}/rendered", { params: { path: { id }, query: { format: "json" } } }),
      ),
    retry: false,
  });
  const resend = useMutation({
    mutationFn: () => unwrap(api.POST("/v1/admin/emails/{id}/resend", { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["send", id] }),
  });
  return (
    <QueryView query={detail} rows={8}>
      {({ send, timeline, links }) => (
        <>
          <PageHeader title={send.subject}>
            {canAct && send.status === "failed" && (
              <button type="button" disabled={resend.isPending} onClick={() => resend.mutate()}>
                Resend
              </button>
            )}
          </PageHeader>
          {resend.isError && <ErrorView error={resend.error} title="Could not resend" />}
          {resend.isSuccess && <p role="status">Queued again.</p>}
          <dl className="facts">
            {[
              ["Status", <StatusBadge key="s" status={send.status} />],
              ["To", send.toEmail],
              ["Template", <code key="t">{send.template}</code>],
              ["Reason", send.reason ?? "—"],
              [
                "Contact",
                send.contactId ? <Link to={`/contacts/${send.contactId}`}>{send.contactId}</Link> : "—",
              ],
              ["Created", <DateTime key="c" value={send.createdAt} />],
              ["Sent", <DateTime key="x" value={send.sentAt} />],
              ["Opens / clicks", `${send.openCount} / ${send.clickCount}`],
            ].map(([label, value]) => (
              <div className="fact" key={String(label)}>
                <dt>{label}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
          <section aria-labelledby="send-timeline">
            <h2 id="send-timeline">Provider events</h2>
            <DataTable
              label="Provider events"
              rows={timeline}
              rowKey={(e) => e.id}
              empty="No provider event yet"
              columns={[
                { header: "Event", cell: (e) => <StatusBadge status={e.type} /> },
                { header: "When", cell: (e) => <DateTime value={e.occurredAt} /> },
                { header: "Link", cell: (e) => e.url ?? "", wide: true },
                { header: "Bot", cell: (e) => (e.isBot ? "bot" : ""), wide: true },
              ]}
            />
          </section>
          <section aria-labelledby="send-email" className="preview">
            <h2 id="send-email">Email</h2>
            <p className="muted small">
              Rendered again from the props stored on this send, with the template as deployed now. Links go
              where the template points (untracked), and the unsubscribe link is a placeholder.
            </p>
            {rendered.isError ? (
              <ErrorView error={rendered.error} title="This email cannot be shown" />
            ) : rendered.isSuccess ? (
              // sandbox="": no script, no form, an opaque origin; the api adds the email CSP too.
              <iframe
                title={`The email: ${send.subject}`}
                sandbox=""
                referrerPolicy="no-referrer"
                src={`/v1/admin/emails/${encodeURIComponent(id)}/rendered?format=html`}
              />
            ) : (
              <p className="muted">Rendering…</p>
            )}
          </section>
          <section aria-labelledby="send-links">
            <h2 id="send-links">Links</h2>
            <DataTable
              label="Links"
              rows={links}
              rowKey={(l) => l.id}
              empty="No tracked links in this email"
              columns={[
                { header: "URL", cell: (l) => l.url },
                { header: "Human clicks", cell: (l) => l.humanClicks },
                { header: "Bot clicks", cell: (l) => l.botClicks },
              ]}
            />
          </section>
        </>
      )}
    </QueryView>
  );
}
