import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { api, type Schemas, unwrap } from "../api/client.js";
import { useCan } from "../api/session.js";
import { DateTime } from "../components/date-time.js";
import { EmptyState } from "../components/empty-state.js";
import { FireEventForm } from "../components/fire-event-form.js";
import { LiftSuppression } from "../components/lift-suppression.js";
import { PageHeader } from "../components/page-header.js";
import { QueryView } from "../components/query-view.js";
import { StatusBadge } from "../components/status-badge.js";

type Detail = Schemas["ContactDetail"];

interface TimelineItem {
  key: string;
  at: string;
  kind: "event" | "enrollment" | "send";
  title: React.ReactNode;
  status?: string;
}

/** Events, enrollments and sends in one list, newest first. */
function timelineOf(detail: Detail): TimelineItem[] {
  const items: TimelineItem[] = [
    ...detail.events.map((e) => ({
      key: `e-${e.id}`,
      at: e.occurredAt,
      kind: "event" as const,
      title: e.name,
    })),
    ...detail.journeyStates.map((s) => ({
      key: `j-${s.id}`,
      at: s.startedAt,
      kind: "enrollment" as const,
      title: <Link to={`/journeys/${encodeURIComponent(s.journeyId)}`}>{s.journeyId}</Link>,
      status: s.status,
    })),
    ...detail.sends.map((s) => ({
      key: `s-${s.id}`,
      at: s.createdAt,
      kind: "send" as const,
      title: <Link to={`/sends/${s.id}`}>{s.subject}</Link>,
      status: s.status,
    })),
  ];
  return items.sort((a, b) => b.at.localeCompare(a.at));
}

export function Page() {
  const { id = "" } = useParams();
  const canAct = useCan("act");
  const contact = useQuery({
    queryKey: ["contact", id],
    queryFn: () => unwrap(api.GET("/v1/admin/contacts/{id}", { params: { path: { id } } })),
  });
  return (
    <QueryView query={contact} rows={8}>
      {(detail) => {
        const c = detail.contact;
        const timeline = timelineOf(detail);
        const prefs = detail.preferences;
        return (
          <>
            <PageHeader title={c.email ?? c.userId ?? c.id} />
            <div className="two-col">
              <section aria-labelledby="profile">
                <h2 id="profile">Profile</h2>
                <dl className="facts">
                  {[
                    ["User id", c.userId ?? "—"],
                    ["Email", c.email ?? "—"],
                    ["First seen", <DateTime key="f" value={c.firstSeenAt} />],
                    ["Last seen", <DateTime key="l" value={c.lastSeenAt} />],
                  ].map(([label, value]) => (
                    <div className="fact" key={String(label)}>
                      <dt>{label}</dt>
                      <dd>{value}</dd>
                    </div>
                  ))}
                </dl>
                <h3>Properties</h3>
                <pre className="json">{JSON.stringify(c.properties, null, 2)}</pre>
              </section>
              <section aria-labelledby="preferences">
                <h2 id="preferences">Preferences</h2>
                {prefs === null ? (
                  <p>Subscribed to everything.</p>
                ) : (
                  <dl className="facts">
                    <div className="fact">
                      <dt>Unsubscribed from all</dt>
                      <dd>{prefs.unsubscribedAll ? "yes" : "no"}</dd>
                    </div>
                    <div className="fact">
                      <dt>Opted out of</dt>
                      <dd>{prefs.optedOutCategories.join(", ") || "nothing"}</dd>
                    </div>
                    <div className="fact">
                      <dt>Suppressed</dt>
                      <dd>{prefs.suppressed ? `yes (${prefs.suppressedReason ?? "no reason"})` : "no"}</dd>
                    </div>
                  </dl>
                )}
                {canAct && prefs?.suppressed && <LiftSuppression contactId={c.id} />}
                <h3>Lists</h3>
                {/* The place list memberships take once lists land (see the Lists page). */}
                <p className="muted">
                  No lists in this version: journeys reach contacts by their events and properties.
                </p>
              </section>
            </div>
            {canAct && !c.deletedAt && <FireEventForm contact={c} />}
            <section aria-labelledby="timeline">
              <h2 id="timeline">Timeline</h2>
              {detail.sends.length > 0 && (
                <p>
                  <Link to={`/sends?contactId=${c.id}`}>All sends to this contact</Link>
                </p>
              )}
              {timeline.length === 0 ? (
                <EmptyState title="Nothing has happened to this contact yet" />
              ) : (
                <ol className="timeline" data-testid="timeline">
                  {timeline.map((item) => (
                    <li key={item.key}>
                      <span className={`kind kind-${item.kind}`}>{item.kind}</span>
                      <span className="title">{item.title}</span>
                      {item.status && <StatusBadge status={item.status} />}
                      <DateTime value={item.at} />
                    </li>
                  ))}
                </ol>
              )}
            </section>
          </>
        );
      }}
    </QueryView>
  );
}
