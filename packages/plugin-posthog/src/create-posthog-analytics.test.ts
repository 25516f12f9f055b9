import { type FakePostHog, startFakePostHog } from "@hogsend/devstack/fakes";
import { eventually } from "@hogsend/devstack/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPostHogAnalytics, HOGSEND_LIB } from "./create-posthog-analytics.js";
import { eventUuid } from "./event-uuid.js";

const API_KEY = "phc_test_project_key";
let fake: FakePostHog;

beforeAll(async () => {
  fake = await startFakePostHog();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

function recordingLogger() {
  const lines: { msg: string; fields?: Record<string, unknown> }[] = [];
  return { lines, warn: (msg: string, fields?: Record<string, unknown>) => lines.push({ msg, fields }) };
}

describe("posthog analytics", () => {
  it("queues captures and sends them in one batch on shutdown, marked as ours, with our uuids", async () => {
    const analytics = createPostHogAnalytics({
      apiKey: API_KEY,
      host: `${fake.url}/`,
      flushAt: 100,
      flushInterval: 60_000,
    });
    const sentAt = new Date("2026-11-20T09:14:03.512Z");
    analytics.capture({
      distinctId: "user_1",
      event: "email.sent",
      properties: { sendId: "snd_1", template: "welcome" },
      timestamp: sentAt,
      uuid: eventUuid("email.sent:snd_1"),
    });
    analytics.capture({
      distinctId: "ada@example.com",
      event: "email.opened",
      properties: { sendId: "snd_2" },
    });
    analytics.capture({ distinctId: "user_1", event: "journey.completed", uuid: eventUuid("journey:st_1") });
    // Nothing leaves before the batch is due. A negative check, so a bounded wait: a capture sent
    // at once would reach the local fake within a few milliseconds.
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.requests).toHaveLength(0);

    await analytics.shutdown();

    const batches = fake.requests.filter((r) => r.method === "POST" && r.path === "/batch/");
    expect(batches).toHaveLength(1);
    expect(fake.events.map((e) => [e.apiKey, e.distinctId, e.event])).toEqual([
      [API_KEY, "user_1", "email.sent"],
      [API_KEY, "ada@example.com", "email.opened"],
      [API_KEY, "user_1", "journey.completed"],
    ]);
    for (const event of fake.events) expect(event.properties.$lib).toBe(HOGSEND_LIB);
    expect(HOGSEND_LIB).toBe("hogsend");
    const [sent, opened, completed] = fake.events;
    expect(sent?.properties).toMatchObject({ sendId: "snd_1", template: "welcome" });
    expect(sent?.uuid).toBe(eventUuid("email.sent:snd_1"));
    expect(sent?.timestamp).toBe(sentAt.toISOString());
    expect(completed?.uuid).toBe(eventUuid("journey:st_1"));
    // Without our uuid, the SDK makes one up.
    expect(opened?.uuid).toMatch(/^[0-9a-f-]{36}$/);
    // Server-side: PostHog must not geolocate our IP onto the person.
    expect(sent?.properties.$geoip_disable).toBe(true);
  });

  it("sends on its own once flushAt events are queued", async () => {
    const analytics = createPostHogAnalytics({
      apiKey: API_KEY,
      host: fake.url,
      flushAt: 2,
      flushInterval: 60_000,
    });
    analytics.capture({ distinctId: "u", event: "email.clicked" });
    analytics.capture({ distinctId: "u", event: "email.clicked" });
    await eventually("both events at the fake", () => fake.events.length === 2, {
      timeoutMs: 5_000,
      intervalMs: 20,
    });
    await analytics.shutdown();
    expect(fake.events).toHaveLength(2);
  });

  it("bounds shutdown when PostHog does not answer, and drops captures after it with a warning", async () => {
    const logger = recordingLogger();
    const analytics = createPostHogAnalytics({ apiKey: API_KEY, host: fake.url, flushAt: 100, logger });
    analytics.capture({ distinctId: "u", event: "email.bounced" });
    fake.delayNext({ ms: 30_000, times: 10 });
    const started = performance.now();
    await analytics.shutdown(300);
    expect(performance.now() - started).toBeLessThan(3_000);
    analytics.capture({ distinctId: "u", event: "email.unsubscribed" });
    expect(logger.lines.map((l) => l.msg)).toContain("posthog capture after shutdown dropped");
    // A second shutdown (close() twice) is the same one.
    await analytics.shutdown();
  });

  it("refuses an empty api key instead of sending unauthenticated", () => {
    expect(() => createPostHogAnalytics({ apiKey: "", host: fake.url })).toThrow(/POSTHOG_API_KEY/);
  });
});

describe("eventUuid", () => {
  it("maps one idempotency key to one RFC 9562 v5 uuid", () => {
    const a = eventUuid("email.sent:snd_1");
    expect(a).toBe(eventUuid("email.sent:snd_1"));
    expect(a).not.toBe(eventUuid("email.sent:snd_2"));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
