import { randomUUID } from "node:crypto";
import { type FakePostHog, startFakePostHog } from "@hogsend/devstack/fakes";
import { eventually, testStack } from "@hogsend/devstack/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPostHogPersons, type PostHogPersonsOptions } from "./create-posthog-persons.js";
import { privateApiHost } from "./private-api-host.js";

const PERSONAL_KEY = "phx_personal_test_key";
const PROJECT_ID = "4242";
let fake: FakePostHog;
let redis: Redis;
let keyPrefix: string;

beforeAll(async () => {
  fake = await startFakePostHog({ personalApiKey: PERSONAL_KEY, projectId: PROJECT_ID });
  redis = new Redis(testStack().REDIS_URL, { maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  await redis.quit();
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  // Each test its own namespace: the Redis server is shared by the whole run.
  keyPrefix = `test:${randomUUID()}:person:`;
});

function recordingLogger() {
  const lines: { msg: string; fields?: Record<string, unknown> }[] = [];
  return { lines, warn: (msg: string, fields?: Record<string, unknown>) => lines.push({ msg, fields }) };
}

function persons(overrides: Partial<PostHogPersonsOptions> = {}) {
  return createPostHogPersons({
    personalApiKey: PERSONAL_KEY,
    host: fake.url,
    projectId: PROJECT_ID,
    redis,
    keyPrefix,
    ...overrides,
  });
}

const personRequests = () => fake.requests.filter((r) => r.path.includes("/persons"));

describe("posthog person properties", () => {
  it("reads the person by distinct id with the personal key, then serves it from Redis within the TTL", async () => {
    fake.setPerson(["user_1", "anon_1"], { plan: "pro", email: "ada@example.com", seats: 3 });
    const reader = persons();

    expect(await reader.getProperties("user_1")).toEqual({ plan: "pro", email: "ada@example.com", seats: 3 });
    expect(personRequests()).toHaveLength(1);
    const [request] = personRequests();
    expect(request).toMatchObject({
      method: "GET",
      path: `/api/projects/${PROJECT_ID}/persons/`,
      query: { distinct_id: "user_1" },
    });
    expect(request?.headers.authorization).toBe(`Bearer ${PERSONAL_KEY}`);

    // A second read, even from another instance (another replica), makes no HTTP call.
    expect(await reader.getProperties("user_1")).toMatchObject({ plan: "pro" });
    expect(await persons().getProperties("user_1")).toMatchObject({ plan: "pro" });
    expect(personRequests()).toHaveLength(1);

    const keys = await redis.keys(`${keyPrefix}*`);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(new RegExp(`^${keyPrefix}${PROJECT_ID}:`));
    // Distinct ids are often emails: the key carries a hash, not the id.
    expect(keys[0]).not.toContain("user_1");
    const ttl = await redis.ttl(keys[0] ?? "");
    expect(ttl).toBeGreaterThan(290);
    expect(ttl).toBeLessThanOrEqual(300);
  });

  it("reads again once the TTL has passed", async () => {
    fake.setPerson("user_2", { plan: "free" });
    const reader = persons({ ttlSeconds: 1 });
    expect(await reader.getProperties("user_2")).toEqual({ plan: "free" });
    fake.setPerson("user_2", { plan: "pro" });
    expect(await reader.getProperties("user_2")).toEqual({ plan: "free" });
    const [key] = await redis.keys(`${keyPrefix}*`);
    expect(key).toBeDefined();
    await eventually("Redis to expire the cached person", async () => (await redis.exists(key ?? "")) === 0, {
      timeoutMs: 5_000,
      intervalMs: 50,
    });
    expect(await reader.getProperties("user_2")).toEqual({ plan: "pro" });
    expect(personRequests()).toHaveLength(2);
  });

  it("caches 'no such person' briefly", async () => {
    const reader = persons();
    expect(await reader.getProperties("nobody")).toBeUndefined();
    expect(await reader.getProperties("nobody")).toBeUndefined();
    expect(personRequests()).toHaveLength(1);
    const [key] = await redis.keys(`${keyPrefix}*`);
    const ttl = await redis.ttl(key ?? "");
    expect(ttl).toBeGreaterThan(50);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  it("answers undefined with a warning when PostHog fails, and does not cache the failure", async () => {
    fake.setPerson("user_3", { plan: "pro" });
    const logger = recordingLogger();
    const reader = persons({ logger, timeoutMs: 200 });

    fake.failNext({ status: 503 });
    expect(await reader.getProperties("user_3")).toBeUndefined();
    fake.delayNext({ ms: 5_000 });
    const started = performance.now();
    expect(await reader.getProperties("user_3")).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(logger.lines).toEqual([
      { msg: "posthog person lookup failed", fields: { reason: expect.stringMatching(/^HTTP 503/) } },
      { msg: "posthog person lookup failed", fields: { reason: expect.stringMatching(/timeout|abort/i) } },
    ]);

    expect(await reader.getProperties("user_3")).toEqual({ plan: "pro" });
    expect(personRequests()).toHaveLength(3);
  });

  it("answers undefined with a warning on a wrong key or project, never logging the key", async () => {
    fake.setPerson("user_4", { plan: "pro" });
    const logger = recordingLogger();
    expect(await persons({ logger, personalApiKey: "phx_wrong" }).getProperties("user_4")).toBeUndefined();
    expect(await persons({ logger, projectId: "1" }).getProperties("user_4")).toBeUndefined();
    expect(logger.lines.map((l) => l.fields?.reason)).toEqual([
      expect.stringMatching(/^HTTP 401/),
      expect.stringMatching(/^HTTP 404/),
    ]);
    expect(JSON.stringify(logger.lines)).not.toContain("phx_");
  });

  it("keeps reading PostHog when Redis fails", async () => {
    fake.setPerson("user_5", { plan: "pro" });
    const logger = recordingLogger();
    const broken = {
      get: () => Promise.reject(new Error("connection is closed")),
      set: () => Promise.reject(new Error("connection is closed")),
    };
    expect(await persons({ logger, redis: broken }).getProperties("user_5")).toEqual({ plan: "pro" });
    expect(logger.lines.map((l) => l.msg)).toEqual([
      "posthog person cache read failed",
      "posthog person cache write failed",
    ]);
  });

  it("shares one request between concurrent reads, and caches in process without Redis", async () => {
    fake.setPerson("user_6", { plan: "pro" });
    const reader = persons({ redis: undefined });
    const answers = await Promise.all([reader.getProperties("user_6"), reader.getProperties("user_6")]);
    expect(answers).toEqual([{ plan: "pro" }, { plan: "pro" }]);
    expect(await reader.getProperties("user_6")).toEqual({ plan: "pro" });
    expect(personRequests()).toHaveLength(1);
  });

  it("refuses to start without a personal key or project id", () => {
    expect(() => persons({ personalApiKey: "" })).toThrow(/POSTHOG_PERSONAL_API_KEY/);
    expect(() => persons({ projectId: "" })).toThrow(/POSTHOG_PROJECT_ID/);
  });
});

describe("privateApiHost", () => {
  it("maps PostHog Cloud ingestion hosts to their API hosts and leaves others alone", () => {
    expect(privateApiHost("https://us.i.posthog.com")).toBe("https://us.posthog.com");
    expect(privateApiHost("https://eu.i.posthog.com/")).toBe("https://eu.posthog.com");
    expect(privateApiHost("https://posthog.acme.internal/")).toBe("https://posthog.acme.internal");
    expect(privateApiHost("http://127.0.0.1:4010")).toBe("http://127.0.0.1:4010");
  });
});
