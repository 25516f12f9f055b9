import { randomUUID } from "node:crypto";
import type { Condition } from "@hogsend/core";
import { readEnrollment, upsertContact } from "@hogsend/db";
import { type FakePostHog, startFakePostHog } from "@hogsend/devstack/fakes";
import { createTestDatabase, type TestDatabase } from "@hogsend/devstack/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { HogsendClient } from "../platform/client.js";
import { testClient } from "../testing.js";
import { admit } from "./admit.js";
import { defineJourney } from "./define-journey.js";

const PERSONAL_KEY = "phx_admit_test";
const PROJECT_ID = "31";
let database: TestDatabase;
let posthog: FakePostHog;
const clients: HogsendClient[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  posthog = await startFakePostHog({ personalApiKey: PERSONAL_KEY, projectId: PROJECT_ID });
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
      POSTHOG_HOST: posthog.url,
      POSTHOG_PERSONAL_API_KEY: PERSONAL_KEY,
      POSTHOG_PROJECT_ID: PROJECT_ID,
      ...overrides,
    },
    { role: "worker" },
  );
  clients.push(client);
  return client;
}

const journeyWhere = (where: Condition[]) =>
  defineJourney({
    meta: {
      id: `j-${randomUUID().slice(0, 8)}`,
      name: "person conditions",
      enabled: true,
      trigger: { event: "user_signed_up", where },
      entryLimit: "unlimited",
    },
    run: async () => {},
  });

async function admitUser(client: HogsendClient, journey: ReturnType<typeof journeyWhere>, userId: string) {
  const contact = await upsertContact(client.db.db, { externalId: userId });
  const read = await readEnrollment(client.db.db, { contactId: contact.id, journeyId: journey.meta.id });
  if (!read) throw new Error(`contact ${contact.id} not read back`);
  return admit(journey, read, {
    eventProperties: { source: "web" },
    now: new Date(),
    persons: client.persons,
  });
}

const personRequests = () => posthog.requests.filter((r) => r.path.includes("/persons"));

describe("admission on PostHog person properties", () => {
  const proOnly = journeyWhere([
    { property: "source", op: "eq", value: "web" },
    { property: "person.plan", op: "eq", value: "pro" },
  ]);

  it("admits on the person's properties, read once through the Redis cache", async () => {
    const client = instance();
    const pro = `u_${randomUUID()}`;
    const free = `u_${randomUUID()}`;
    posthog.setPerson(pro, { plan: "pro" });
    posthog.setPerson(free, { plan: "free" });

    expect(await admitUser(client, proOnly, pro)).toMatchObject({ ok: true });
    expect(await admitUser(client, proOnly, free)).toEqual({ ok: false, reason: "trigger.where not met" });
    expect(personRequests().map((r) => r.query.distinct_id)).toEqual([pro, free]);
    // Another process within the TTL: answered from Redis.
    expect(await admitUser(instance(), proOnly, pro)).toMatchObject({ ok: true });
    expect(personRequests()).toHaveLength(2);
  });

  it("never calls PostHog for a journey whose conditions do not read person.*", async () => {
    const client = instance();
    const eventOnly = journeyWhere([{ property: "source", op: "eq", value: "web" }]);
    expect(await admitUser(client, eventOnly, `u_${randomUUID()}`)).toMatchObject({ ok: true });
    expect(personRequests()).toHaveLength(0);
  });

  it("treats person.* as missing when PostHog is down or persons are not configured", async () => {
    const down = instance();
    posthog.failNext({ status: 503 });
    expect(await admitUser(down, proOnly, `u_${randomUUID()}`)).toEqual({
      ok: false,
      reason: "trigger.where not met",
    });
    const notSet = journeyWhere([{ property: "person.plan", op: "not_exists" }]);
    expect(await admitUser(down, notSet, `u_${randomUUID()}`)).toMatchObject({ ok: true });

    const unconfigured = instance({ POSTHOG_PERSONAL_API_KEY: undefined, POSTHOG_PROJECT_ID: undefined });
    expect(unconfigured.persons).toBeUndefined();
    posthog.reset();
    expect(await admitUser(unconfigured, proOnly, `u_${randomUUID()}`)).toEqual({
      ok: false,
      reason: "trigger.where not met",
    });
    expect(personRequests()).toHaveLength(0);
  });
});
