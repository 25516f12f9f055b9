/**
 * The Studio's performance data set, made in Postgres itself (generate_series, a statement per
 * slice of contacts): contacts with properties, their events, sends in every status, journey
 * enrollments and audit entries, spread over the last 30 days. Everything it writes is marked
 * (`seed_` user ids, `seed:` idempotency keys, `seed-run-` run ids), so a second run adds nothing.
 */
import type { Sql } from "postgres";

export interface StudioSeedSize {
  contacts: number;
  /** Events per contact: 10 makes 1,000,000 events for 100,000 contacts. */
  eventsPerContact: number;
}

const JOURNEYS = ["welcome", "trial-expiring", "payment-recovery"];
const SLICES = 10;

/** Seeds `size` into the database behind `sql`; `log` gets a line per step with its time. */
export async function seedStudioData(sql: Sql, size: StudioSeedSize, log: (line: string) => void) {
  const timed = async (what: string, work: () => Promise<unknown>) => {
    const started = performance.now();
    await work();
    log(`${what} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  };
  const n = size.contacts;
  await timed(
    `${n.toLocaleString("en")} contacts`,
    () => sql`
    insert into contacts (external_id, email, properties, first_seen_at, last_seen_at)
    select 'seed_' || i, 'seed.' || i || '@example.com',
      jsonb_build_object('plan', (array['free', 'pro', 'team'])[1 + i % 3], 'company', 'Company ' || (i % 5000),
        'firstName', 'Person ' || i),
      now() - interval '60 days' + (i % 1440) * interval '1 minute',
      now() - (i * 7 % 43200) * interval '1 minute'
    from generate_series(1, ${n}::int) i
    on conflict do nothing`,
  );

  // Slices of contacts by their number, so each statement (and its WAL) stays bounded.
  const slice = Math.ceil(n / SLICES);
  for (let s = 0; s < SLICES; s++) {
    const from = s * slice + 1;
    const to = Math.min(n, (s + 1) * slice);
    if (from > to) break;
    const seeded = sql`(select id, substr(external_id, 6)::int as i from contacts
      where external_id in (select 'seed_' || g from generate_series(${from}::int, ${to}::int) g))`;
    await timed(`slice ${s + 1}/${SLICES}: events, sends and enrollments of contacts ${from}–${to}`, () =>
      sql.begin(async (tx) => {
        await tx`
          insert into user_events (user_key, contact_id, event, properties, source, idempotency_key,
            occurred_at, received_at, push_state)
          select c.id::text, c.id, (array['page_viewed', 'feature_used', 'user_signed_up', 'plan_upgraded', 'invoice_paid'])[1 + k % 5],
            jsonb_build_object('n', k, 'path', '/page/' || (k % 40)), 'api', 'seed:' || c.id || ':' || k, t, t, 'skipped'
          from ${seeded} c, generate_series(1, ${size.eventsPerContact}::int) k,
            lateral (select now() - ((c.i * 31 + k * 977) % 43200) * interval '1 minute' as t) x
          on conflict do nothing`;
        await tx`
          insert into journey_states (journey_id, user_key, contact_id, status, hatchet_run_id, current_step,
            started_at, updated_at, finished_at)
          select j.journey_id, c.id::text, c.id, j.status, 'seed-run-' || c.id || '-' || j.journey_id, j.step,
            now() - (c.i % 43200) * interval '1 minute', now(), case when j.status in ('completed', 'exited', 'failed') then now() end
          from ${seeded} c,
            lateral (select (${JOURNEYS}::text[])[1 + c.i % 3] as journey_id,
              (array['completed', 'completed', 'waiting', 'exited', 'active', 'failed'])[1 + c.i % 6] as status,
              'step-' || (c.i % 4) as step) j
          on conflict do nothing`;
        await tx`
          insert into email_sends (idempotency_key, contact_id, to_email, template, category, subject, journey_id,
            status, reason, provider, attempts, created_at, sent_at, failed_at, delivered_at, first_opened_at,
            first_clicked_at, bounced_at, open_count, click_count)
          select 'seed:' || c.id || ':' || k, c.id, 'seed.' || c.i || '@example.com',
            (array['welcome', 'trial-ending', 'receipt'])[1 + (c.i + k) % 3], 'product', 'Seeded email ' || k,
            (${JOURNEYS}::text[])[1 + c.i % 3], st.status,
            case when st.status = 'failed' then 'seeded failure' end, 'resend', 1, at, case when st.status = 'sent' then at end,
            case when st.status = 'failed' then at end,
            case when st.status = 'sent' and (c.i + k) % 10 < 9 then at + interval '2 seconds' end,
            case when st.status = 'sent' and (c.i + k) % 10 < 4 then at + interval '1 hour' end,
            case when st.status = 'sent' and (c.i + k) % 10 < 1 then at + interval '2 hours' end,
            case when st.status = 'sent' and (c.i + k) % 50 = 7 then at + interval '5 seconds' end,
            case when st.status = 'sent' and (c.i + k) % 10 < 4 then 1 else 0 end,
            case when st.status = 'sent' and (c.i + k) % 10 < 1 then 1 else 0 end
          from ${seeded} c, generate_series(1, 2) k,
            lateral (select now() - ((c.i * 13 + k * 101) % 43200) * interval '1 minute' as at,
              (array['sent', 'sent', 'sent', 'sent', 'sent', 'sent', 'sent', 'failed', 'suppressed', 'queued'])[1 + (c.i + k) % 10] as status) st
          on conflict do nothing`;
      }),
    );
  }
  await timed(
    "100,000 audit entries",
    // One action in a thousand is rare (contact.erase), so the bench's filter by it has to find a
    // few entries among many: the case an index on (action, seq) is for.
    () => sql`
    insert into audit_logs (actor_type, actor_id, action, resource_type, resource_id, metadata, created_at)
    select 'system', null,
      case when i % 1000 = 0 then 'contact.erase'
        else (array['journey.update', 'contact.export', 'api_key.create'])[1 + i % 3] end,
      'seed', 'seed-' || i, '{}'::jsonb, now() - (i * 25) * interval '1 second'
    from generate_series(1, 100000) i
    where not exists (select 1 from audit_logs where resource_type = 'seed')`,
  );
  await timed("analyze", () => sql`analyze`);
}
