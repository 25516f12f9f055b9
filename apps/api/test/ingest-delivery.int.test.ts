import { randomUUID } from "node:crypto";
import { getFreePort } from "@hogsend/devstack";
import { eventually } from "@hogsend/devstack/testing";
import { createApp, createRuntime, defineJourney } from "@hogsend/engine";
import { setupTestApp } from "@hogsend/engine/testing";
import { describe, expect, it } from "vitest";

/** Enrolls on a signup and completes at once: one state per consumed trigger. */
const onSignup = defineJourney({
  meta: {
    id: "burst-signup",
    name: "Burst signup",
    enabled: true,
    trigger: { event: "burst_signup" },
    entryLimit: "unlimited",
  },
  async run(_user, ctx) {
    await ctx.checkpoint("enrolled");
  },
});

/** Waits for a reply no journey triggers on: only the live wait makes it consumable. */
const awaitsReply = defineJourney({
  meta: {
    id: "load-wait",
    name: "Wait under load",
    enabled: true,
    trigger: { event: "lw_start" },
    entryLimit: "unlimited",
  },
  async run(_user, ctx) {
    const reply = await ctx.waitForEvent({ event: "lw_reply", timeout: "2m" });
    await ctx.checkpoint(reply.timedOut ? "timed-out" : `got:${String(reply.properties.n)}`);
  },
});

const api = setupTestApp({
  content: { journeys: [onSignup, awaitsReply] },
  keys: ["ingest"],
  worker: { name: "ingest-delivery", slots: 20 },
});

type Ingested = { stored: boolean; duplicate: boolean; eventId: string; contactId: string; pushed: boolean };

async function send(app: ReturnType<typeof createApp>, body: Record<string, unknown>, key = api.keys.ingest) {
  const res = await app.request("/v1/events", {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
  });
  expect(res.status).toBe(202);
  return (await res.json()) as Ingested;
}

const sql = () => api.client.db.sql;

async function drainUntilEmpty(what: string, prefix: string, runtime = api.runtime) {
  await eventually(
    what,
    async () => {
      await runtime.ingest.pusher.drain();
      const [row] = await sql()`
        select count(*)::int as n from event_outbox o join user_events e on e.id = o.event_id
        where starts_with(e.idempotency_key, ${prefix})`;
      return row?.n === 0;
    },
    { timeoutMs: 60_000 },
  );
}

describe("ingest delivery", () => {
  it("stores a burst of 2,000 concurrent events once each, queues exactly the consumable ones, and enrolls each trigger once", async () => {
    const run = randomUUID().slice(0, 8);
    const prefix = `burst-${run}-`;
    const users = Array.from({ length: 380 }, (_, u) => `u_${run}_${u}`);
    const bodies = users.flatMap((userId, u) => [
      {
        name: "burst_signup",
        userId,
        idempotencyKey: `${prefix}${u}-signup`,
        contactProperties: { plan: "trial" },
      },
      ...[0, 1, 2, 3].map((v) => ({
        name: "burst_view",
        userId,
        // One view also names the email: an identity that overlaps the others differently.
        ...(v === 2 ? { email: `${userId}@example.com` } : {}),
        idempotencyKey: `${prefix}${u}-view-${v}`,
        eventProperties: { v },
      })),
    ]);
    // 100 replays of keys already in the burst, sent concurrently with their originals.
    const replays = bodies.slice(0, 100).map((b) => ({ ...b }));
    const results = await Promise.all([...bodies, ...replays].map((b) => send(api.app, b)));

    const unique = new Map(bodies.map((b, i) => [b.idempotencyKey, results[i] as Ingested]));
    replays.forEach((b, i) => {
      const original = unique.get(b.idempotencyKey);
      const replay = results[bodies.length + i];
      // One of the two stored it; both report the same event.
      expect([original?.stored, replay?.stored].filter(Boolean)).toHaveLength(1);
      expect(replay?.eventId).toBe(original?.eventId);
    });

    const stored = await sql()<{ id: string; idempotency_key: string; event: string; push_state: string }[]>`
      select id, idempotency_key, event, push_state from user_events where starts_with(idempotency_key, ${prefix})`;
    expect(stored).toHaveLength(bodies.length);
    const byKey = new Map(stored.map((e) => [e.idempotency_key, e]));
    for (const [key, ack] of unique) expect(byKey.get(key)?.id, key).toBe(ack.eventId);
    for (const e of stored) expect(e.push_state).toBe(e.event === "burst_signup" ? "queued" : "skipped");

    const contacts = await sql()<{ external_id: string; n: number }[]>`
      select external_id, count(*)::int as n from contacts
      where starts_with(external_id, ${`u_${run}_`}) and deleted_at is null group by external_id`;
    expect(contacts).toHaveLength(users.length);
    expect(contacts.every((c) => c.n === 1)).toBe(true);

    await drainUntilEmpty("every queued event to be accepted by Hatchet", prefix);
    await eventually(
      "one enrollment per signup",
      async () => {
        const [row] = await sql()`
          select count(*)::int as n, count(distinct trigger_event_id)::int as events
          from journey_states s join user_events e on e.id = s.trigger_event_id
          where s.journey_id = 'burst-signup' and starts_with(e.idempotency_key, ${prefix})`;
        return row?.n === users.length && row.events === users.length;
      },
      { timeoutMs: 90_000 },
    );
  }, 180_000);

  it("a waitForEvent receives its event in the middle of a burst of unrelated events", async () => {
    const run = randomUUID().slice(0, 8);
    const userId = `lw_${run}`;
    const { contactId } = await send(api.app, { name: "lw_start", userId });
    await eventually("the run to wait for lw_reply", async () => {
      const [state] =
        await sql()`select waiting_for from journey_states where user_key = ${contactId} and journey_id = 'load-wait'`;
      return state?.waiting_for === "lw_reply";
    });
    const noise = Array.from({ length: 600 }, (_, i) => ({
      name: "lw_noise",
      userId: `noise_${run}_${i % 50}`,
      eventProperties: { i },
    }));
    const reply = { name: "lw_reply", userId, eventProperties: { n: 7 } };
    const [acked] = await Promise.all([send(api.app, reply), ...noise.map((b) => send(api.app, b))]);
    expect(acked?.pushed).toBe(true);
    await eventually(
      "the wait to end with the reply",
      async () => {
        const logs = await sql()<{ message: string }[]>`
          select l.message from journey_logs l join journey_states s on s.id = l.journey_state_id
          where s.user_key = ${contactId} and l.kind = 'checkpoint'`;
        return logs.some((l) => l.message === "got:7");
      },
      { timeoutMs: 60_000 },
    );
    // The checkpoint is logged before the run finishes (and a replay after an eviction logs it
    // first too): the completion follows it.
    const state = await eventually("the run to complete", async () => {
      const [row] = await sql()<{ status: string; waiting_for: string | null }[]>`
        select status, waiting_for from journey_states where user_key = ${contactId}`;
      return row?.status === "completed" && row;
    });
    expect(state).toMatchObject({ status: "completed", waiting_for: null });
  }, 120_000);

  it("an engine outage during a burst loses nothing: events are pushed once it is back, and each enrolls once", async () => {
    const run = randomUUID().slice(0, 8);
    const prefix = `outage-${run}-`;
    // The engine is away for every pusher: this file's runtime (which listens for queued events)
    // stops, and a second api on the same database reaches a Hatchet address that answers nothing.
    await api.runtime.stop();
    const down = api.newClient({ HATCHET_CLIENT_HOST_PORT: `127.0.0.1:${await getFreePort()}` });
    const downRuntime = createRuntime(
      down,
      { clientJournal: null, journeys: [onSignup, awaitsReply] },
      {
        ingest: { pusher: { pushDeadlineMs: 1_000 } },
      },
    );
    const downApp = createApp(downRuntime);
    const acks = await Promise.all(
      Array.from({ length: 60 }, (_, u) =>
        send(downApp, { name: "burst_signup", userId: `o_${run}_${u}`, idempotencyKey: `${prefix}${u}` }),
      ),
    );
    expect(acks.every((a) => a.stored && a.pushed)).toBe(true);
    const failed = await downRuntime.ingest.pusher.drain();
    expect(failed.pushed).toBe(0);
    await downRuntime.stop();
    const [kept] = await sql()`
      select count(*)::int as n, min(o.attempts)::int as attempts from event_outbox o
      join user_events e on e.id = o.event_id where starts_with(e.idempotency_key, ${prefix})`;
    expect(kept).toMatchObject({ n: 60 });
    expect(kept?.attempts).toBeGreaterThanOrEqual(1);

    // The engine is back: a pusher whose client reaches it sends the backed-off rows.
    const up = createRuntime(
      api.client,
      { clientJournal: null, journeys: [onSignup, awaitsReply] },
      { loops: [] },
    );
    await drainUntilEmpty("the outbox to empty once Hatchet answers", prefix, up);
    await up.stop();
    await eventually(
      "one enrollment per event stored during the outage",
      async () => {
        const [row] = await sql()`
          select count(*)::int as n, count(distinct s.trigger_event_id)::int as events
          from journey_states s join user_events e on e.id = s.trigger_event_id
          where starts_with(e.idempotency_key, ${prefix})`;
        return row?.n === 60 && row.events === 60;
      },
      { timeoutMs: 60_000 },
    );
  }, 120_000);
});
