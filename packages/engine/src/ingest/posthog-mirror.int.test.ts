import { randomUUID } from "node:crypto";
import { upsertContact } from "@hogsend/db";
import { type FakePostHog, startFakePostHog } from "@hogsend/devstack/fakes";
import { createTestDatabase, type TestDatabase } from "@hogsend/devstack/testing";
import { eventUuid } from "@hogsend/plugin-posthog";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { HogsendClient } from "../platform/client.js";
import { testClient } from "../testing.js";
import { noConsumers } from "./exit-policy.js";
import { distinctIdOf } from "./identity.js";
import { createIngestService } from "./ingest-service.js";
import { POSTHOG_FORWARDED_EVENTS } from "./posthog-mirror.js";

let database: TestDatabase;
let posthog: FakePostHog;
const clients: HogsendClient[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  posthog = await startFakePostHog();
});
beforeEach(() => posthog.reset());
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
});
afterAll(async () => {
  await posthog.close();
  await database.drop();
});

function instance(overrides: Record<string, string | undefined> = {}) {
  const client = testClient(
    {
      DATABASE_URL: database.url,
      POSTHOG_API_KEY: "phc_engine_test",
      POSTHOG_HOST: posthog.url,
      ...overrides,
    },
    { role: "worker" },
  );
  clients.push(client);
  return client;
}

const emit = (client: HogsendClient, contactId: string, name: string, key: string, source = "email") =>
  createIngestService(client, noConsumers).recordContactEvent(
    contactId,
    { name, properties: { sendId: key } },
    { source, idempotencyKey: key },
  );

describe("mirroring Hogsend's own events to PostHog", () => {
  it("captures a forwarded event once, when newly stored, on the contact's distinct id, flushed on close", async () => {
    const client = instance();
    expect(client.analytics).toBeDefined();
    const userId = `u_${randomUUID()}`;
    const contact = await upsertContact(client.db.db, { externalId: userId, email: `${userId}@example.com` });
    const sentKey = `email.sent:${randomUUID()}`;

    const first = await emit(client, contact.id, "email.sent", sentKey);
    const replay = await emit(client, contact.id, "email.sent", sentKey);
    expect([first?.stored, replay?.duplicate]).toEqual([true, true]);
    // Stored, but not a forwarded name; and never back to where it came from.
    await emit(client, contact.id, "email.complained", `c:${randomUUID()}`);
    await emit(client, contact.id, "email.opened", `posthog:${randomUUID()}`, "webhook:posthog");
    await emit(client, contact.id, "email.delivered", `d:${randomUUID()}`);

    const [stored] = await client.db
      .sql`select occurred_at from user_events where id = ${first?.eventId ?? ""}`;
    await client.close();
    expect(posthog.events.map((e) => [e.distinctId, e.event])).toEqual([
      [userId, "email.sent"],
      [userId, "email.delivered"],
    ]);
    const [sent] = posthog.events;
    expect(sent?.uuid).toBe(eventUuid(sentKey));
    expect(sent?.properties).toMatchObject({ $lib: "hogsend", sendId: sentKey });
    // PostHog's copy carries the stored event's time.
    expect(sent?.timestamp).toBe(new Date(stored?.occurred_at as string | Date).toISOString());
  });

  it("uses the external id, else the email, else the anonymous id as the distinct id", async () => {
    const client = instance();
    const tag = randomUUID();
    const byEmail = await upsertContact(client.db.db, { email: `${tag}@example.com` });
    const anonymous = await upsertContact(client.db.db, { anonymousId: `anon_${tag}` });
    expect(distinctIdOf(byEmail)).toBe(`${tag}@example.com`);
    expect(distinctIdOf(anonymous)).toBe(`anon_${tag}`);

    await emit(client, byEmail.id, "journey.completed", `journey:${tag}:1`, "journey:welcome");
    await emit(client, anonymous.id, "email.unsubscribed", `unsub:${tag}`);
    await client.close();
    expect(posthog.events.map((e) => [e.distinctId, e.event])).toEqual([
      [`${tag}@example.com`, "journey.completed"],
      [`anon_${tag}`, "email.unsubscribed"],
    ]);
  });

  it("forwards exactly the documented events", () => {
    expect([...POSTHOG_FORWARDED_EVENTS].sort()).toEqual([
      "email.bounced",
      "email.clicked",
      "email.delivered",
      "email.opened",
      "email.sent",
      "email.unsubscribed",
      "journey.completed",
    ]);
  });

  it("without POSTHOG_API_KEY stores the event and sends nothing", async () => {
    const client = instance({ POSTHOG_API_KEY: undefined });
    expect(client.analytics).toBeUndefined();
    const contact = await upsertContact(client.db.db, { externalId: `u_${randomUUID()}` });
    expect((await emit(client, contact.id, "email.sent", `email.sent:${randomUUID()}`))?.stored).toBe(true);
    await client.close();
    expect(posthog.requests).toHaveLength(0);
  });
});
