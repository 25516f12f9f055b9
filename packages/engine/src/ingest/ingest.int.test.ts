import { randomUUID } from "node:crypto";
import { HatchetClient } from "@hatchet-dev/typescript-sdk/v1/index.js";
import { createApiKey } from "@hogsend/access";
import { getFreePort } from "@hogsend/devstack";
import { createTestDatabase, eventually, type TestDatabase, testStack } from "@hogsend/devstack/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { defineJourney } from "../journeys/define-journey.js";
import { createHogsendClient, type HogsendClient } from "../platform/client.js";
import { createLogger } from "../platform/logger.js";
import { createApp } from "../runtime/create-app.js";
import type { Runtime } from "../runtime/create-runtime.js";
import { testEnv, testRuntime } from "../testing.js";

const stack = testStack();
let database: TestDatabase;
const clients: HogsendClient[] = [];
const runtimes: Runtime[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});
afterEach(async () => {
  for (const r of runtimes.splice(0)) await r.stop();
  for (const c of clients.splice(0)) await c.close();
});
afterAll(async () => {
  await database.drop();
});

/** A journey that only makes `event` consumable: this runtime runs no worker. */
const triggeredBy = (event: string) =>
  defineJourney({
    meta: {
      id: `on-${randomUUID().slice(0, 8)}`,
      name: event,
      enabled: true,
      trigger: { event },
      entryLimit: "unlimited",
    },
    run: async () => {},
  });

function instance(overrides: Record<string, string | undefined> = {}, consumes: string[] = []) {
  const env = testEnv(stack, { DATABASE_URL: database.url, ...overrides });
  const client = createHogsendClient(env, {
    version: "test",
    role: "api",
    logger: createLogger({ level: "error", json: true, write: () => {} }),
  });
  clients.push(client);
  const runtime = testRuntime(
    client,
    { journeys: consumes.map(triggeredBy) },
    { ingest: { pusher: { maxBackoffMs: 200, pushDeadlineMs: 2_000 } } },
  );
  runtimes.push(runtime);
  return { client, runtime, app: createApp(runtime) };
}

async function keyFor(client: HogsendClient, scope: "ingest" | "read" | "full-admin") {
  return (
    await createApiKey(client.db.db, { name: `ingest test ${scope}`, scopes: [scope], createdBy: "test" })
  ).secret;
}

function post(
  app: ReturnType<typeof instance>["app"],
  key: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return app.request("/v1/events", {
    method: "POST",
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": "application/json", authorization: `Bearer ${key}`, ...headers },
  });
}

describe("POST /v1/events", () => {
  it("stores the event, upserts its contact without mixing properties, and queues it for a journey", async () => {
    const { app, client } = instance({}, ["user_signed_up"]);
    const key = await keyFor(client, "ingest");
    const userId = `u_${randomUUID()}`;
    const res = await post(app, key, {
      name: "user_signed_up",
      userId,
      email: `${userId}@example.com`,
      eventProperties: { plan: "trial" },
      contactProperties: { company: "Acme" },
      timestamp: "2026-11-20T09:14:03.512Z",
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as {
      stored: boolean;
      duplicate: boolean;
      contactId: string;
      eventId: string;
      pushed: boolean;
    };
    expect(body).toMatchObject({ stored: true, duplicate: false, pushed: true });
    const [contact] = await client.db.sql`select * from contacts where id = ${body.contactId}`;
    expect(contact).toMatchObject({
      external_id: userId,
      email: `${userId}@example.com`,
      properties: { company: "Acme" },
    });
    const [event] = await client.db.sql`select * from user_events where id = ${body.eventId}`;
    expect(event).toMatchObject({
      event: "user_signed_up",
      user_key: body.contactId,
      properties: { plan: "trial" },
      push_state: "queued",
    });
    expect(new Date(event?.occurred_at as string).toISOString()).toBe("2026-11-20T09:14:03.512Z");
  });

  it("stores a replayed idempotency key once (the header wins over the body)", async () => {
    const { app, client } = instance();
    const key = await keyFor(client, "ingest");
    const idem = `idem-${randomUUID()}`;
    const payload = { name: "order_paid", userId: `u_${randomUUID()}`, idempotencyKey: "body-key-loses" };
    const first = (await (await post(app, key, payload, { "idempotency-key": idem })).json()) as {
      eventId: string;
      contactId: string;
    };
    const again = await post(app, key, payload, { "idempotency-key": idem });
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({
      stored: false,
      duplicate: true,
      eventId: first.eventId,
      contactId: first.contactId,
    });
    const rows = await client.db
      .sql`select idempotency_key from user_events where idempotency_key in (${idem}, 'body-key-loses')`;
    expect(rows).toEqual([{ idempotency_key: idem }]);
  });

  it("refuses bad input with 400 naming the fields, oversized bodies with 413, and stores nothing", async () => {
    const { app, client } = instance();
    const key = await keyFor(client, "ingest");
    const count = async () => (await client.db.sql`select count(*)::int as n from user_events`)[0]?.n;
    const before = await count();
    const fieldsOf = async (res: Response) =>
      (
        (await res.json()) as { error: { details: { fields: { field: string }[] } } }
      ).error.details.fields.map((f) => f.field);

    const noIdentity = await post(app, key, { name: "x" });
    expect(noIdentity.status).toBe(400);
    expect(await fieldsOf(noIdentity)).toEqual(["userId", "email", "anonymousId"]);
    const badName = await post(app, key, { name: "has spaces", userId: "u1", timestamp: "yesterday" });
    expect(await fieldsOf(badName)).toEqual(["name", "timestamp"]);
    const reserved = await post(app, key, { name: "email.opened", userId: "u1" });
    expect(reserved.status).toBe(400);
    expect(JSON.stringify(await reserved.json())).toContain("reserved");
    expect((await post(app, key, "{not json")).status).toBe(400);
    // Hogsend's own key namespaces: claimed first, they would make its own writes duplicates.
    const claimsJourneyKey = await post(app, key, {
      name: "x",
      userId: "u1",
      idempotencyKey: "journey:r1:trigger:0",
    });
    expect(await fieldsOf(claimsJourneyKey)).toEqual(["idempotencyKey"]);
    const claimsSourceKey = await post(
      app,
      key,
      { name: "x", userId: "u1" },
      { "idempotency-key": "webhook:posthog:e1" },
    );
    expect(claimsSourceKey.status).toBe(400);
    expect(JSON.stringify(await claimsSourceKey.json())).toContain("idempotency-key");
    // What Postgres cannot store is a 400 naming the field, never a 500.
    const nul = await post(app, key, { name: "x", userId: "a\u0000b" });
    expect(await fieldsOf(nul)).toEqual(["userId"]);
    const surrogate = await post(app, key, '{"name":"x","userId":"u1","eventProperties":{"a":"\\ud800"}}');
    expect(await fieldsOf(surrogate)).toEqual(["eventProperties.a"]);
    const deep = await post(
      app,
      key,
      `{"name":"x","userId":"u1","eventProperties":{"d":${"[".repeat(200)}1${"]".repeat(200)}}}`,
    );
    expect(deep.status).toBe(400);
    expect(JSON.stringify(await deep.json())).toContain("nests deeper than 32");
    const yearZero = await post(app, key, { name: "x", userId: "u1", timestamp: "0000-01-01T00:00:00Z" });
    expect(await fieldsOf(yearZero)).toEqual(["timestamp"]);
    const notJson = await app.request("/v1/events", {
      method: "POST",
      body: JSON.stringify({ name: "x", userId: "u1" }),
      headers: { "content-type": "text/plain", authorization: `Bearer ${key}` },
    });
    expect(notJson.status).toBe(415);
    expect(((await notJson.json()) as { error: { code: string } }).error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    const huge = await post(app, key, {
      name: "big",
      userId: "u1",
      eventProperties: { blob: "x".repeat(300 * 1024) },
    });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { code: string } }).error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(await count()).toBe(before);
  });

  it("needs an ingest (or full-admin) key", async () => {
    const { app, client } = instance();
    const ok = { name: "ping", anonymousId: `a_${randomUUID()}` };
    expect((await app.request("/v1/events", { method: "POST", body: JSON.stringify(ok) })).status).toBe(401);
    expect((await post(app, await keyFor(client, "read"), ok)).status).toBe(403);
    expect((await post(app, await keyFor(client, "full-admin"), ok)).status).toBe(202);
  });

  it("stores an event no journey consumes without queueing it", async () => {
    const { app, client } = instance({}, ["something_else"]);
    const key = await keyFor(client, "ingest");
    const res = await post(app, key, { name: "page_viewed", userId: `u_${randomUUID()}` });
    const body = (await res.json()) as { eventId: string; pushed: boolean; stored: boolean };
    expect(body).toMatchObject({ stored: true, pushed: false });
    const [event] = await client.db.sql`select push_state from user_events where id = ${body.eventId}`;
    expect(event?.push_state).toBe("skipped");
    expect(await client.db.sql`select 1 from event_outbox where event_id = ${body.eventId}`).toHaveLength(0);
  });

  it("keeps a queued event in the outbox while Hatchet is unreachable and pushes it once it answers", async () => {
    const down = instance({ HATCHET_CLIENT_HOST_PORT: `127.0.0.1:${await getFreePort()}` }, [
      "trial_started",
    ]);
    const key = await keyFor(down.client, "ingest");
    const res = await post(down.app, key, { name: "trial_started", userId: `u_${randomUUID()}` });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { eventId: string; pushed: boolean; stored: boolean };
    expect(body).toMatchObject({ stored: true, pushed: true });
    // The request never waited on the engine; the pusher tries, fails and backs the row off.
    await down.runtime.ingest.pusher.drain();
    const [pending] = await down.client.db
      .sql`select attempts, last_error, parked_at from event_outbox where event_id = ${body.eventId}`;
    expect(pending).toMatchObject({ parked_at: null });
    expect(pending?.attempts).toBeGreaterThanOrEqual(1);
    expect(pending?.last_error).toBeTruthy();
    await down.runtime.stop();

    const up = instance({}, ["trial_started"]);
    await eventually(
      "the backed-off event to be pushed",
      async () => {
        await up.runtime.ingest.pusher.drain();
        return (
          (await up.client.db.sql`select 1 from event_outbox where event_id = ${body.eventId}`).length === 0
        );
      },
      { timeoutMs: 20_000 },
    );
    const [after] = await up.client.db.sql`select push_state from user_events where id = ${body.eventId}`;
    expect(after?.push_state).toBe("queued");
  }, 40_000);

  it("delivers the event to Hatchet tasks subscribed to it, keyed on the contact", async () => {
    const name = `probe_${randomUUID().slice(0, 8)}`;
    const { app, client } = instance({}, [name]);
    const key = await keyFor(client, "ingest");
    const hatchet = HatchetClient.init({
      token: stack.HATCHET_CLIENT_TOKEN,
      host_port: stack.HATCHET_CLIENT_HOST_PORT,
      tls_config: { tls_strategy: stack.HATCHET_CLIENT_TLS_STRATEGY },
      namespace: stack.HATCHET_CLIENT_NAMESPACE,
      log_level: "ERROR",
    });
    const received: { userKey: string; eventId: string }[] = [];
    const task = hatchet.task({
      name: `on-${name}`,
      onEvents: [name],
      fn: async (input: { userKey: string; eventId: string }) => {
        received.push(input);
        return {};
      },
    });
    const worker = await hatchet.worker(`ingest-probe-${name}`, { workflows: [task], slots: 2 });
    void worker.start();
    try {
      await worker.waitUntilReady(30_000);
      const res = (await (await post(app, key, { name, userId: `u_${randomUUID()}` })).json()) as {
        contactId: string;
        eventId: string;
      };
      await eventually("the event to reach a task subscribed to it", () => received.length > 0, {
        timeoutMs: 30_000,
      });
      expect(received).toEqual([expect.objectContaining({ userKey: res.contactId, eventId: res.eventId })]);
    } finally {
      await worker.stop();
    }
  }, 60_000);
});

describe("contacts", () => {
  it("upserts by identity, merges properties, and finds by any identity", async () => {
    const { app, client } = instance();
    const key = await keyFor(client, "ingest");
    const read = await keyFor(client, "read");
    const anon = `a_${randomUUID()}`;
    const put = (body: unknown) =>
      app.request("/v1/contacts", {
        method: "PUT",
        body: JSON.stringify(body),
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      });
    const first = (await (await put({ anonymousId: anon, properties: { source: "ad" } })).json()) as {
      id: string;
    };
    const userId = `u_${randomUUID()}`;
    // Same anonymous visitor signs up: the contact gains the user id and email, keeps its id.
    const second = (await (
      await put({ anonymousId: anon, userId, email: `${userId}@Example.com`, properties: { plan: "pro" } })
    ).json()) as {
      id: string;
      properties: Record<string, unknown>;
    };
    expect(second.id).toBe(first.id);
    expect(second.properties).toEqual({ source: "ad", plan: "pro" });

    const find = (q: string, token = read) =>
      app.request(`/v1/contacts/find?${q}`, { headers: { authorization: `Bearer ${token}` } });
    for (const q of [
      `userId=${userId}`,
      `email=${encodeURIComponent(`${userId}@example.com`)}`,
      `anonymousId=${anon}`,
    ]) {
      const res = await find(q);
      expect(res.status, q).toBe(200);
      expect(((await res.json()) as { id: string }).id).toBe(first.id);
    }
    expect((await find(`userId=nobody-${randomUUID()}`)).status).toBe(404);
    expect((await find("")).status).toBe(400);
    expect((await find(`userId=${userId}`, key)).status).toBe(403);
    expect((await put({ properties: {} })).status).toBe(400);
  });

  it("creates one contact when the same new identity arrives concurrently", async () => {
    const { app, client } = instance();
    const key = await keyFor(client, "ingest");
    const userId = `u_${randomUUID()}`;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        post(app, key, { name: "page_viewed", userId, eventProperties: { i } }),
      ),
    );
    const ids = await Promise.all(
      results.map(async (r) => ((await r.json()) as { contactId: string }).contactId),
    );
    expect(new Set(ids).size).toBe(1);
    expect(await client.db.sql`select id from contacts where external_id = ${userId}`).toHaveLength(1);
  });
});
