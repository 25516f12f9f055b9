import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createTestDatabase, type TestDatabase, testStack } from "@hogsend/devstack/testing";
import {
  createApp,
  createHogsendClient,
  createLogger,
  createRuntime,
  type HogsendClient,
} from "@hogsend/engine";
import { testEnv } from "@hogsend/engine/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { content } from "../src/content.js";

const fixtures = resolve(import.meta.dirname, "../../../../shared/fixtures/posthog");
/** The fields the tests vary; the rest of the fixture passes through untouched. */
type PostHogFixture = { event: Record<string, unknown> & { properties: Record<string, unknown> } };
const fixture = (name: string) => JSON.parse(readFileSync(join(fixtures, name), "utf8")) as PostHogFixture;
const SECRET = "phc-webhook-secret-for-tests";
const stack = testStack();
let db: TestDatabase;
const clients: HogsendClient[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
});
afterAll(async () => {
  await db.drop();
});

function instance(overrides: Record<string, string | undefined> = {}) {
  const client = createHogsendClient(
    testEnv(stack, { DATABASE_URL: db.url, POSTHOG_WEBHOOK_SECRET: SECRET, ...overrides }),
    {
      version: "test",
      role: "api",
      logger: createLogger({ level: "error", json: true, write: () => {} }),
    },
  );
  clients.push(client);
  return { client, app: createApp(createRuntime(client, content)) };
}

function deliver(app: ReturnType<typeof instance>["app"], body: unknown, secret: string | null = SECRET) {
  return app.request("/v1/webhooks/posthog", {
    method: "POST",
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: {
      "content-type": "application/json",
      ...(secret ? { "x-posthog-webhook-secret": secret } : {}),
    },
  });
}

const eventCount = async (client: HogsendClient) =>
  (await client.db.sql`select count(*)::int as n from user_events`)[0]?.n as number;

describe("PostHog webhook source", () => {
  it("enrolls the fixture's user: distinct_id → user id, person → contact, event → event", async () => {
    const { app, client } = instance();
    const res = await deliver(app, fixture("user-signed-up.json"));
    expect(res.status).toBe(202);
    const body = (await res.json()) as {
      accepted: { eventId: string; contactId: string; duplicate: boolean }[];
      skipped: string[];
    };
    expect(body.skipped).toEqual([]);
    expect(body.accepted).toHaveLength(1);
    const [contact] = await client.db
      .sql`select * from contacts where id = ${body.accepted[0]?.contactId as string}`;
    expect(contact).toMatchObject({
      external_id: "user_8f2c1a",
      email: "ada@example.com",
      properties: { email: "ada@example.com", name: "Ada Lovelace", company: "Analytical Engines Ltd" },
    });
    const [event] = await client.db
      .sql`select * from user_events where id = ${body.accepted[0]?.eventId as string}`;
    expect(event).toMatchObject({
      event: "user_signed_up",
      source: "webhook:posthog",
      idempotency_key: "webhook:posthog:0192f3a4-5b6c-7d8e-9f00-112233445566",
      push_state: "queued",
    });
    expect(event?.properties).toMatchObject({ plan: "trial", signup_method: "google" });
    expect(event?.properties).not.toHaveProperty("company");

    // PostHog redelivers: stored once.
    const again = (await (await deliver(app, fixture("user-signed-up.json"))).json()) as {
      accepted: { duplicate: boolean }[];
    };
    expect(again.accepted[0]?.duplicate).toBe(true);
  });

  it("drops anonymous events without an email, our own events and reserved namespaces", async () => {
    const { app, client } = instance();
    const before = await eventCount(client);
    const anonymous = (await (await deliver(app, fixture("anonymous-pageview.json"))).json()) as {
      accepted: unknown[];
      skipped: string[];
    };
    expect(anonymous.accepted).toEqual([]);
    expect(anonymous.skipped[0]).toMatch(/anonymous \$pageview without an email/);

    const ours = fixture("user-signed-up.json");
    ours.event.uuid = "ours-1";
    ours.event.properties.$lib = "hogsend";
    expect(((await (await deliver(app, ours)).json()) as { skipped: string[] }).skipped[0]).toMatch(
      /emitted by Hogsend/,
    );

    const reserved = fixture("user-signed-up.json");
    reserved.event.uuid = "reserved-1";
    reserved.event.event = "email.opened";
    expect(((await (await deliver(app, reserved)).json()) as { skipped: string[] }).skipped[0]).toMatch(
      /reserved/,
    );
    expect(await eventCount(client)).toBe(before);
  });

  it("never lets a PostHog person's email replace a known contact's, only fill an empty one", async () => {
    const { client } = instance();
    const { app, ingest } = (() => {
      const runtime = createRuntime(client, content);
      return { app: createApp(runtime), ingest: runtime.ingest };
    })();
    const asPosthog = (distinctId: string, email: string, uuid: string) => {
      const body = fixture("user-signed-up.json") as PostHogFixture & {
        person: { properties: Record<string, unknown> };
      };
      body.event.uuid = uuid;
      body.event.distinct_id = distinctId;
      body.person.properties = { ...body.person.properties, email };
      return deliver(app, body);
    };
    const emailOf = async (userId: string) =>
      (await client.db.sql`select email from contacts where external_id = ${userId}`)[0]?.email;

    // A known user: anyone holding the public project key can $set their email in PostHog.
    await ingest.ingest(
      { name: "user_seen", userId: "victim", email: "victim@example.com" },
      { source: "api" },
    );
    expect(
      (await asPosthog("victim", "attacker@example.net", "00000000-0000-4000-8000-00000000a001")).status,
    ).toBe(202);
    expect(await emailOf("victim")).toBe("victim@example.com");

    // A contact with no email yet takes PostHog's.
    await ingest.ingest({ name: "user_seen", userId: "no-email-yet" }, { source: "api" });
    await asPosthog("no-email-yet", "first@example.com", "00000000-0000-4000-8000-00000000a002");
    expect(await emailOf("no-email-yet")).toBe("first@example.com");

    // The product's own API is trusted with a change of address.
    await ingest.ingest(
      { name: "email_changed", userId: "victim", email: "new@example.com" },
      { source: "api" },
    );
    expect(await emailOf("victim")).toBe("new@example.com");
  });

  it("refuses a missing or wrong secret, and fails closed when none is configured", async () => {
    const { app, client } = instance();
    const before = await eventCount(client);
    expect((await deliver(app, fixture("user-signed-up.json"), null)).status).toBe(401);
    expect((await deliver(app, fixture("user-signed-up.json"), "wrong")).status).toBe(401);
    const unconfigured = instance({ POSTHOG_WEBHOOK_SECRET: undefined });
    const res = await deliver(unconfigured.app, fixture("user-signed-up.json"), "anything");
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
      "POSTHOG_WEBHOOK_SECRET",
    );
    expect(await eventCount(client)).toBe(before);
  });

  it("answers a bad payload with 400 naming the fields, and an unknown source with 404", async () => {
    const { app, client } = instance();
    const before = await eventCount(client);
    const bad = fixture("user-signed-up.json");
    delete bad.event.distinct_id;
    bad.event.timestamp = "not-a-time";
    const res = await deliver(app, bad);
    expect(res.status).toBe(400);
    const fields = ((await res.json()) as { error: { details: { fields: { field: string }[] } } }).error
      .details.fields;
    expect(fields.map((f) => f.field).sort()).toEqual(["event.distinct_id", "event.timestamp"]);
    expect((await deliver(app, "{nope")).status).toBe(400);
    const spaced = fixture("user-signed-up.json");
    spaced.event.event = "has spaces";
    expect((await deliver(app, spaced)).status).toBe(400);
    expect(await eventCount(client)).toBe(before);
    expect((await app.request("/v1/webhooks/segment", { method: "POST", body: "{}" })).status).toBe(404);
  });
});
