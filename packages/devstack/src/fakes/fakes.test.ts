import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
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

  it("draws seeded faults: 429 with Retry-After, 500, and timeouts it accepted but never answered", async () => {
    const mix = { rateLimited: 0.2, serverError: 0.1, timeout: 0.1, seed: 7, holdMs: 30_000 };
    const run = async () => {
      const resend = await started(startFakeResend({ faults: mix }));
      const outcomes: string[] = [];
      for (let i = 0; i < 60; i++) {
        const res = await fetch(`${resend.url}/emails`, {
          method: "POST",
          headers: {
            authorization: "Bearer re_x",
            "content-type": "application/json",
            "idempotency-key": `k${i}`,
          },
          body: JSON.stringify({ from: "a@x.com", to: "b@x.com", subject: "s", text: "t" }),
          signal: AbortSignal.timeout(300),
        }).catch(() => undefined);
        outcomes.push(
          res ? `${res.status}${res.headers.get("retry-after") ? "+retry-after" : ""}` : "timeout",
        );
      }
      return { outcomes, stats: resend.stats(), accepted: resend.emails.length };
    };
    const first = await run();
    const count = (o: string) => first.outcomes.filter((x) => x === o).length;
    expect(first.stats.faults).toEqual({
      rateLimited: count("429+retry-after"),
      serverError: count("500"),
      timeout: count("timeout"),
    });
    for (const kind of ["429+retry-after", "500", "timeout", "200"]) expect(count(kind)).toBeGreaterThan(0);
    // A timed-out request was accepted all the same: only its idempotency key saves its retry.
    expect(first.accepted).toBe(count("200") + count("timeout"));
    // The same seed replays the same faults.
    expect((await run()).outcomes).toEqual(first.outcomes);
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

  it("in counts mode keeps no bodies, only counters and the ids issued per idempotency key", async () => {
    const resend = await started(startFakeResend({ record: false }));
    const email = (key: string) => ({
      from: "a@x.com",
      to: "b@x.com",
      subject: "s",
      html: "<p>big body</p>",
      tags: [{ name: "idempotency_key", value: key }],
    });
    const batch = (emails: unknown[], key: string) =>
      fetch(`${resend.url}/emails/batch`, {
        method: "POST",
        headers: { authorization: "Bearer re_x", "content-type": "application/json", "idempotency-key": key },
        body: JSON.stringify(emails),
      });
    const first = (await (await batch([email("k1"), email("k2")], "batch-a")).json()) as {
      data: { id: string }[];
    };
    // The same request again is a replay: no new ids.
    const replay = (await (await batch([email("k1"), email("k2")], "batch-a")).json()) as typeof first;
    expect(replay).toEqual(first);
    // k2 again in another batch: Resend would send it twice, and the ledger says so.
    await batch([email("k2"), email("k3")], "batch-b");

    expect([resend.requests.length, resend.emails.length]).toEqual([0, 0]);
    expect(resend.ledger.byKey.get("k1")).toEqual([first.data[0]?.id]);
    expect(resend.ledger.duplicateKeys()).toEqual(["k2"]);
    expect(resend.stats()).toEqual({
      vendor: "resend",
      requests: 3,
      byPath: { "POST /emails/batch": 3 },
      byStatus: { 200: 3 },
      rateLimited: 0,
      dropped: 0,
      faults: { rateLimited: 0, serverError: 0, timeout: 0 },
      accepted: 4,
      keys: 3,
      unkeyed: 0,
      duplicates: 1,
    });
    const ledger = (await (await fetch(`${resend.url}/__ledger`)).json()) as Record<string, string[]>;
    expect(Object.keys(ledger).sort()).toEqual(["k1", "k2", "k3"]);
    expect(ledger.k2).toHaveLength(2);
  });

  it("limit resend: 5 requests pass at once, the next gets 429 with Retry-After and rate limit headers", async () => {
    const resend = await started(startFakeResend({ limit: "resend" }));
    const call = () =>
      fetch(`${resend.url}/emails`, {
        method: "POST",
        headers: { authorization: "Bearer re_x", "content-type": "application/json" },
        body: JSON.stringify({ from: "a@x.com", to: "b@x.com", subject: "s", text: "t" }),
      });
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await call());
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = answers[5];
    expect(limited?.headers.get("retry-after")).toBe("1");
    expect(limited?.headers.get("ratelimit-limit")).toBe("5");
    expect(await limited?.json()).toMatchObject({ name: "rate_limit_exceeded" });
    expect(resend.stats()).toMatchObject({ requests: 6, rateLimited: 1, accepted: 5 });
    await new Promise((r) => setTimeout(r, 250));
    expect((await call()).status).toBe(200);
  });

  it("drops a connection after accepting the request, or before, as scripted", async () => {
    const postmark = await started(startFakePostmark());
    const send = () =>
      fetch(`${postmark.url}/email`, {
        method: "POST",
        headers: { "x-postmark-server-token": "t", "content-type": "application/json" },
        body: JSON.stringify({ From: "a@x.com", To: "b@x.com", Subject: "s", TextBody: "t" }),
      }).catch((err: Error) => err);
    postmark.dropNext();
    postmark.dropNext({ process: false });
    expect(await send()).toBeInstanceOf(Error);
    expect(await send()).toBeInstanceOf(Error);
    expect(((await send()) as Response).status).toBe(200);
    expect(postmark.messages).toHaveLength(2);
    expect(postmark.stats()).toMatchObject({ requests: 3, dropped: 2, accepted: 2, byStatus: { 200: 1 } });
  });

  it("serve.ts runs a fake in its own process with counters and failure scripts over HTTP", async () => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/fakes/serve.ts",
        "--provider",
        "resend",
        "--limit",
        "resend",
        "--api-key",
        "re_k",
      ],
      { cwd: `${import.meta.dirname}/../..`, stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), "line")) as [string];
      const info = JSON.parse(line) as { url: string; stats: string; limit: string; pid: number };
      expect(info).toMatchObject({ limit: "resend", pid: child.pid, stats: `${info.url}/__stats` });
      const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
        fetch(`${info.url}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify(body),
        });
      expect((await post("/__fail", { status: 503, times: 1 })).status).toBe(204);
      const auth = { authorization: "Bearer re_k" };
      const email = { from: "a@x.com", to: "b@x.com", subject: "s", html: "<p>h</p>" };
      expect((await post("/emails", email, auth)).status).toBe(503);
      expect((await post("/emails", email, auth)).status).toBe(200);
      expect((await post("/emails", email, { authorization: "Bearer wrong" })).status).toBe(403);
      const stats = await (await fetch(info.stats)).json();
      expect(stats).toMatchObject({
        vendor: "resend",
        requests: 3,
        byStatus: { 200: 1, 403: 1, 503: 1 },
        accepted: 1,
      });
      expect((await post("/__reset", {})).status).toBe(204);
      expect(await (await fetch(info.stats)).json()).toMatchObject({ requests: 0, accepted: 0 });
    } finally {
      child.kill("SIGTERM");
      if (child.exitCode === null) await once(child, "exit");
    }
    expect(child.exitCode).toBe(0);
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
