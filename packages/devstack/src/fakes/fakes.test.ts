import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeVendorServer, startFakePostHog, startFakePostmark, startFakeResend } from "./index.js";

const gzipAsync = promisify(gzip);
const open: FakeVendorServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((f) => f.close()));
});
async function started<T extends FakeVendorServer>(fake: Promise<T>): Promise<T> {
  const server = await fake;
  open.push(server);
  return server;
}

describe("fake vendor servers", () => {
  it("records requests and runs failure scripts in arrival order (after, times, Retry-After)", async () => {
    const resend = await started(startFakeResend());
    resend.failNext({ status: 503, times: 2, after: 1 });
    const call = () =>
      fetch(`${resend.url}/emails`, {
        method: "POST",
        headers: { authorization: "Bearer re_x", "content-type": "application/json" },
        body: JSON.stringify({ from: "a@x.com", to: "b@x.com", subject: "s", text: "t" }),
      });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call()).status);
    expect(statuses).toEqual([200, 503, 503, 200]);
    expect(resend.requests).toHaveLength(4);
    expect(resend.requests[0]?.body).toMatchObject({ to: "b@x.com" });
    expect(resend.emails).toHaveLength(2);

    resend.failNext({ status: 429, retryAfterSeconds: 5 });
    const limited = await call();
    expect(limited.headers.get("retry-after")).toBe("5");
    expect(await limited.json()).toMatchObject({ statusCode: 429, name: "rate_limit_exceeded" });

    resend.reset();
    expect([resend.requests.length, resend.emails.length]).toEqual([0, 0]);
    expect((await fetch(`${resend.url}/emails`, { method: "POST" })).status).toBe(401);
  });

  it("holds delayed requests and still closes promptly", async () => {
    const postmark = await startFakePostmark();
    postmark.delayNext({ ms: 30_000 });
    const pending = fetch(`${postmark.url}/email`, { method: "POST" }).catch((err: Error) => err);
    while (postmark.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    const started = performance.now();
    await postmark.close();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await pending).toBeInstanceOf(Error);
  });

  it("drops a request held across reset() instead of letting it change the next test's state", async () => {
    const resend = await started(startFakeResend());
    resend.delayNext({ ms: 30_000 });
    const pending = fetch(`${resend.url}/emails`, {
      method: "POST",
      headers: { authorization: "Bearer re_x", "content-type": "application/json" },
      body: JSON.stringify({ from: "a@x.com", to: "b@x.com", subject: "s", text: "t" }),
    }).catch((err: Error) => err);
    while (resend.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    resend.reset();
    expect(await pending).toBeInstanceOf(Error);
    expect(resend.emails).toHaveLength(0);
  });

  it("the PostHog fake unpacks gzipped batches and single captures", async () => {
    const posthog = await started(startFakePostHog());
    const batch = JSON.stringify({
      api_key: "phc_test",
      batch: [
        { event: "email.delivered", distinct_id: "u1", properties: { send_id: "snd_1" }, type: "capture" },
        { event: "email.opened", distinct_id: "u1", properties: {}, type: "capture" },
      ],
    });
    const gzipped = await fetch(`${posthog.url}/batch/`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      body: await gzipAsync(batch),
    });
    expect(gzipped.status).toBe(200);
    const single = await fetch(`${posthog.url}/i/v0/e/`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        api_key: "phc_test",
        event: "email.clicked",
        distinct_id: "u2",
        properties: {},
      }),
    });
    expect(single.status).toBe(200);
    expect(posthog.events.map((e) => [e.apiKey, e.event, e.distinctId])).toEqual([
      ["phc_test", "email.delivered", "u1"],
      ["phc_test", "email.opened", "u1"],
      ["phc_test", "email.clicked", "u2"],
    ]);
    expect(posthog.events[0]?.properties).toEqual({ send_id: "snd_1" });
    expect((await fetch(`${posthog.url}/batch/`, { method: "POST", body: "{}" })).status).toBe(400);
  });

  it("the PostHog fake lists persons by distinct id behind the personal key and project", async () => {
    const posthog = await started(startFakePostHog({ personalApiKey: "phx_k", projectId: "7" }));
    posthog.setPerson(["u1", "anon-1"], { plan: "pro" });
    posthog.setPerson("u2", { plan: "free" });
    posthog.setPerson("u2", { plan: "team" });
    const list = (path: string, key = "phx_k") =>
      fetch(`${posthog.url}${path}`, { headers: { authorization: `Bearer ${key}` } });

    const byAlias = await list("/api/projects/7/persons/?distinct_id=anon-1");
    expect(byAlias.status).toBe(200);
    const body = (await byAlias.json()) as { results: { distinct_ids: string[]; properties: unknown }[] };
    expect(body.results.map((p) => [p.distinct_ids, p.properties])).toEqual([
      [["u1", "anon-1"], { plan: "pro" }],
    ]);
    const replaced = (await (await list("/api/environments/7/persons/?distinct_id=u2")).json()) as {
      results: { properties: unknown }[];
    };
    expect(replaced.results.map((p) => p.properties)).toEqual([{ plan: "team" }]);
    const none = (await (await list("/api/projects/7/persons/?distinct_id=ghost")).json()) as { results: [] };
    expect(none.results).toEqual([]);
    expect((await list("/api/projects/7/persons/?distinct_id=u1", "phx_wrong")).status).toBe(401);
    expect((await list("/api/projects/8/persons/?distinct_id=u1")).status).toBe(404);

    posthog.reset();
    expect(posthog.persons).toHaveLength(0);
  });
});
