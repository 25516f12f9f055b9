import { createApiKey } from "@hogsend/access";
import { type FakeResend, startFakeResend } from "@hogsend/devstack/fakes";
import { createTestDatabase, eventually, type TestDatabase, testStack } from "@hogsend/devstack/testing";
import {
  createApp,
  createHogsendClient,
  createLogger,
  createRuntime,
  type HogsendClient,
  type Mailer,
  type Runtime,
  type RuntimeOptions,
} from "@hogsend/engine";
import { testEnv } from "@hogsend/engine/testing";
import postgres from "postgres";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { content } from "../src/content.js";
import { templates } from "../src/emails/index.js";

/**
 * The mailer end to end: POST /v1/emails → email_sends → the real resend SDK → a local fake
 * Resend. Only the vendor's HTTP edge is fake.
 */
const stack = testStack();
let database: TestDatabase;
let resend: FakeResend;
let client: HogsendClient;
let app: ReturnType<typeof createApp>;
let runtime: Runtime;
let sql: postgres.Sql;
let sendKey: string;
let ingestKey: string;
let readKey: string;

beforeAll(async () => {
  database = await createTestDatabase();
  resend = await startFakeResend({ apiKey: "re_test_key" });
  client = createHogsendClient(
    testEnv(stack, {
      DATABASE_URL: database.url,
      EMAIL_PROVIDER: "resend",
      RESEND_API_KEY: "re_test_key",
      RESEND_BASE_URL: resend.url,
      API_PUBLIC_URL: "https://hogsend.example.com",
      EMAIL_SEND_RATE_LIMIT_PER_MINUTE: "1000",
      EMAIL_LINK_HOSTS: "acme.example",
    }),
    { version: "test", role: "api", logger: createLogger({ level: "error", json: true, write: () => {} }) },
  );
  // The api records sends; the dispatcher (the worker's, here in the same process) sends them.
  runtime = createRuntime(client, content, { loops: ["email-dispatcher"] });
  runtime.start();
  app = createApp(runtime);
  sql = postgres(database.url, { max: 1, onnotice: () => {} });
  sendKey = (await createApiKey(client.db.db, { name: "send", scopes: ["send"], createdBy: "test" })).secret;
  ingestKey = (await createApiKey(client.db.db, { name: "ingest", scopes: ["ingest"], createdBy: "test" }))
    .secret;
  readKey = (await createApiKey(client.db.db, { name: "read", scopes: ["read"], createdBy: "test" })).secret;
});
afterAll(async () => {
  await runtime?.stop();
  await sql?.end();
  await client?.close();
  await resend?.close();
  await database?.drop();
});
beforeEach(() => resend.reset());

type SendAnswer = { emailSendId: string; status: string; reason?: string; duplicate: boolean };

function post(body: unknown, headers: Record<string, string> = {}, key = sendKey) {
  return app.request("/v1/emails", {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json", authorization: `Bearer ${key}`, ...headers },
  });
}

async function send(body: unknown, headers: Record<string, string> = {}): Promise<SendAnswer> {
  const res = await post(body, headers);
  expect(res.status, await res.clone().text()).toBe(202);
  return (await res.json()) as SendAnswer;
}

const settled = (id: string) =>
  eventually(
    `send ${id} to settle`,
    async () => {
      const [row] = await sql`select status, reason, provider_message_id from email_sends where id = ${id}`;
      return row && row.status !== "queued" && row.status !== "sending" && row;
    },
    { timeoutMs: 10_000, intervalMs: 25 },
  );

/** The send's own idempotency key: one per email, carried as a tag (the request's key names the batch). */
const sendKeyOf = (email: { payload: Record<string, unknown> }) =>
  (email.payload.tags as { name: string; value: string }[] | undefined)?.find(
    (t) => t.name === "idempotency_key",
  )?.value;

const receipt = (to: string, extra: Record<string, unknown> = {}) => ({
  to,
  template: "receipt",
  props: templates.receipt.example,
  ...extra,
});

describe("POST /v1/emails", () => {
  it("records a transactional send, delivers it once with the send's idempotency key and no unsubscribe headers", async () => {
    const answer = await send(receipt("ann@example.com"));
    expect(answer).toMatchObject({ status: "queued", duplicate: false });
    const row = await settled(answer.emailSendId);
    expect(row).toMatchObject({ status: "sent" });
    expect(resend.emails).toHaveLength(1);
    const [email] = resend.emails;
    expect(email && sendKeyOf(email)).toBe(`hogsend-send-${answer.emailSendId}`);
    expect([email?.payload.to].flat()).toEqual(["ann@example.com"]);
    expect(email?.payload.from).toBe("Hogsend Tests <tests@hogsend.test>");
    expect(row?.provider_message_id).toBe(email?.id);
    const headers = (email?.payload.headers ?? {}) as Record<string, string>;
    expect(headers["List-Unsubscribe"]).toBeUndefined();
    expect(String(email?.payload.html)).not.toContain("/v1/t/o/");
    // email.sent is an event of the contact's, like any other.
    // (recorded just after the provider call, so the test polls for it)
    await eventually(
      "email.sent",
      async () =>
        (
          await sql`select 1 from user_events where event = 'email.sent' and properties->>'sendId' = ${answer.emailSendId}`
        ).length === 1,
      { timeoutMs: 10_000, intervalMs: 25 },
    );
  });

  it("gives marketing email RFC 8058 one-click headers, tracked links and an open pixel, leaving the unsubscribe link alone", async () => {
    const answer = await send({ to: "bea@example.com", template: "welcome", props: { firstName: "Bea" } });
    await settled(answer.emailSendId);
    const payload = resend.emails[0]?.payload ?? {};
    const headers = payload.headers as Record<string, string>;
    expect(headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    expect(headers["List-Unsubscribe"]).toMatch(
      /^<https:\/\/hogsend\.example\.com\/v1\/email\/unsubscribe\?token=v1\.[\w.-]+>$/,
    );
    const html = String(payload.html);
    expect(html).toContain(`https://hogsend.example.com/v1/t/o/${answer.emailSendId}`);
    expect(html).toMatch(/href="https:\/\/hogsend\.example\.com\/v1\/t\/c\/[0-9a-f-]{36}"/);
    const unsubscribe = headers["List-Unsubscribe"]?.slice(1, -1) ?? "";
    expect(html).toContain(`href="${unsubscribe}"`);
    const links =
      await sql`select url from email_links where send_id = ${answer.emailSendId} order by position`;
    expect(links.length).toBeGreaterThan(0);
    expect(links.every((l) => !String(l.url).includes("/v1/email/"))).toBe(true);
  });

  it("returns the same send for a repeated idempotency key, with no second provider call", async () => {
    const first = await send(receipt("cy@example.com"), { "idempotency-key": "order-1001" });
    await settled(first.emailSendId);
    const again = await send(receipt("cy@example.com"), { "idempotency-key": "order-1001" });
    expect(again).toMatchObject({ emailSendId: first.emailSendId, duplicate: true, status: "sent" });
    const rows = await sql`select 1 from email_sends where idempotency_key = 'order-1001'`;
    expect(rows).toHaveLength(1);
    expect(resend.emails).toHaveLength(1);
  });

  it("suppresses an unsubscribed contact's marketing mail, and a suppressed contact's mail of every kind, without calling the provider", async () => {
    const answer = await send({ to: "dee@example.com", template: "welcome", props: {} });
    await settled(answer.emailSendId);
    const [contact] = await sql`select id from contacts where email = 'dee@example.com'`;
    await sql`insert into email_preferences (contact_id, unsubscribed_all) values (${contact?.id}, true)`;
    resend.reset();
    expect(await send({ to: "dee@example.com", template: "welcome", props: {} })).toMatchObject({
      status: "suppressed",
      reason: "unsubscribed from all email",
    });
    // A receipt still goes to an unsubscribed contact...
    const receiptAnswer = await send(receipt("dee@example.com"));
    expect((await settled(receiptAnswer.emailSendId)).status).toBe("sent");
    // ...but nothing goes to a suppressed one.
    await sql`update email_preferences set suppressed = true, suppressed_reason = 'complained' where contact_id = ${contact?.id}`;
    expect(await send(receipt("dee@example.com"))).toMatchObject({
      status: "suppressed",
      reason: "suppressed: complained",
    });
    expect(resend.emails).toHaveLength(1);
  });

  it("refuses an unknown template with a suggestion and bad props by field, writing nothing", async () => {
    const before = await sql`select count(*)::int as n from email_sends`;
    const unknown = await post({ to: "eve@example.com", template: "recipt", props: {} });
    expect(unknown.status).toBe(400);
    const unknownBody = (await unknown.json()) as { error: { message: string } };
    expect(unknownBody.error.message).toContain('did you mean "receipt"');
    const badProps = await post({
      to: "eve@example.com",
      template: "trial-ends-soon",
      props: { endsAt: "soon" },
    });
    expect(badProps.status).toBe(400);
    expect(JSON.stringify(await badProps.json())).toContain("props.endsAt");
    const noRecipient = await post({ template: "receipt", props: templates.receipt.example });
    expect(noRecipient.status).toBe(400);
    const unknownUser = await post({
      userId: "nobody",
      template: "receipt",
      props: templates.receipt.example,
    });
    expect(unknownUser.status).toBe(400);
    const toTransactional = await post({
      to: "eve@example.com",
      template: "welcome",
      category: "transactional",
    });
    expect(toTransactional.status).toBe(400);
    // A subject is one header line, and a transactional template's subject is its own.
    const crlf = await post({
      to: "eve@example.com",
      template: "welcome",
      subject: "Hi\r\nBcc: all@example.com",
    });
    expect(crlf.status).toBe(400);
    expect(JSON.stringify(await crlf.json())).toContain("no CR or LF");
    const receiptSubject = await post({
      to: "eve@example.com",
      template: "receipt",
      props: templates.receipt.example,
      subject: "Your account is locked: sign in here",
    });
    expect(receiptSubject.status).toBe(400);
    expect(JSON.stringify(await receiptSubject.json())).toContain("transactional");
    // A key that can send cannot point the product's own password-reset email somewhere else.
    const phishing = await post({
      to: "eve@example.com",
      template: "password-reset",
      props: { ...templates["password-reset"].example, resetUrl: "https://acme-example.login.evil/reset" },
    });
    expect(phishing.status).toBe(400);
    const fields = ((await phishing.json()) as { error: { details: { fields: { field: string }[] } } }).error
      .details.fields;
    expect(fields.map((f) => f.field)).toEqual(["props.resetUrl"]);
    // A journey's send key, claimed first, would answer the journey with the caller's send.
    const journeyKey = await post({
      to: "eve@example.com",
      template: "welcome",
      idempotencyKey: "journey:r1:email:0",
    });
    expect(journeyKey.status).toBe(400);
    expect(JSON.stringify(await journeyKey.json())).toContain("idempotencyKey");
    expect(
      (await post({ to: "eve@example.com", template: "welcome" }, { "idempotency-key": "auto:x" })).status,
    ).toBe(400);
    const after = await sql`select count(*)::int as n from email_sends`;
    expect(after[0]?.n).toBe(before[0]?.n);
    expect(await sql`select 1 from contacts where email = 'eve@example.com'`).toHaveLength(0);
  });

  it("needs a send key: 401 without one, 403 for a read or an ingest key", async () => {
    const anonymous = await app.request("/v1/emails", {
      method: "POST",
      body: JSON.stringify(receipt("fay@example.com")),
      headers: { "content-type": "application/json" },
    });
    expect(anonymous.status).toBe(401);
    expect((await post(receipt("fay@example.com"), {}, readKey)).status).toBe(403);
    // Ingesting events is not sending email: a key that may do the one cannot do the other.
    const ingest = await post(receipt("fay@example.com"), {}, ingestKey);
    expect(ingest.status).toBe(403);
    expect(JSON.stringify(await ingest.json())).toContain('"requiredOneOf":["send","full-admin"]');
  });
});

/** A mailer of its own (no dispatcher runs for it), with short backoffs. */
function mailerWith(options: NonNullable<RuntimeOptions["mailer"]> = {}): Mailer {
  const { mailer } = createRuntime(client, content, {
    // One provider call per claim: the retries these tests watch are the queue's, not in-call ones.
    mailer: { retryBaseMs: 10, providerRetry: { maxAttempts: 1 }, ...options },
    loops: [],
  });
  if (!mailer) throw new Error("the app's content has templates, so the runtime has a mailer");
  return mailer;
}

/** Dispatches `id` whenever it is due until it settles; what the worker's dispatcher does on its own. */
async function dispatchUntilSettled(m: Mailer, id: string) {
  return eventually(
    `send ${id} to settle`,
    async () => {
      await m.dispatchBatch();
      const [row] = await sql`select status from email_sends where id = ${id}`;
      return row && row.status !== "queued" && row.status !== "sending" && row;
    },
    { timeoutMs: 10_000, intervalMs: 50 },
  );
}

describe("the mailer under provider failures", () => {
  // These drive their own mailers' batches; the app's dispatcher would race them for the queue.
  beforeAll(async () => {
    await runtime.stop();
  });

  it("puts a 429 back in the queue no sooner than its Retry-After, then sends once", async () => {
    resend.failNext({ status: 429, retryAfterSeconds: 1 });
    const m = mailerWith();
    const started = Date.now();
    const result = await m.send(receipt("gus@example.com"));
    expect(result.dispatch).toMatchObject({ outcome: "retry" });
    expect(result.dispatch?.outcome === "retry" && result.dispatch.retryAfterMs).toBeGreaterThanOrEqual(
      1_000,
    );
    expect((await dispatchUntilSettled(m, result.send.id)).status).toBe("sent");
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(resend.requests).toHaveLength(2);
    expect(resend.emails).toHaveLength(1);
  });

  it("records a permanent rejection as failed with the provider's reason", async () => {
    resend.failNext({ status: 422 });
    const result = await mailerWith().send(receipt("hal@example.com"));
    expect(result.dispatch).toMatchObject({ outcome: "failed" });
    const [row] = await sql`select status, reason from email_sends where id = ${result.send.id}`;
    expect(row?.status).toBe("failed");
    expect(row?.reason).toMatch(/resend rejected/);
    expect(resend.requests).toHaveLength(1);
  });

  it("backs a send off while the provider stays down, delivers it once it answers, and fails it when the attempts run out", async () => {
    resend.failNext({ status: 503, times: 3 });
    const m = mailerWith({ maxAttempts: 5 });
    const result = await m.send(receipt("ida@example.com"));
    expect(result.dispatch).toMatchObject({ outcome: "retry" });
    expect((await sql`select status from email_sends where id = ${result.send.id}`)[0]?.status).toBe(
      "queued",
    );
    expect((await dispatchUntilSettled(m, result.send.id)).status).toBe("sent");
    expect(resend.emails).toHaveLength(1);

    resend.reset();
    resend.failNext({ status: 503, times: 10 });
    const impatient = mailerWith({ maxAttempts: 2 });
    const doomed = await impatient.send(receipt("ivy@example.com"));
    const row = await dispatchUntilSettled(impatient, doomed.send.id);
    expect(row.status).toBe("failed");
    const [failed] = await sql`select reason, attempts from email_sends where id = ${doomed.send.id}`;
    expect(failed?.reason).toMatch(/gave up after 2 attempts/);
    expect(resend.emails).toHaveLength(0);
  });

  it("finishes a send whose process died after recording it, and takes over a stale claim, sending each once", async () => {
    const m = mailerWith();
    // Died before dispatch: recorded, never claimed.
    const recorded = await m.enqueue(receipt("jo@example.com", { idempotencyKey: "crash-1" }));
    // Died mid-call: claimed ten minutes ago, never finished.
    const claimed = await m.enqueue(receipt("kim@example.com", { idempotencyKey: "crash-2" }));
    await sql`update email_sends set status = 'sending', claimed_at = now() - interval '10 minutes' where id = ${claimed.send.id}`;
    // The stale batch first, whole, then what is due.
    expect((await m.dispatchBatch()).outcomes.get(claimed.send.id)).toMatchObject({ outcome: "sent" });
    await m.dispatchBatch();
    expect((await settled(recorded.send.id)).status).toBe("sent");
    expect((await settled(claimed.send.id)).status).toBe("sent");
    expect(resend.emails.map(sendKeyOf).sort()).toEqual(
      [`hogsend-send-${recorded.send.id}`, `hogsend-send-${claimed.send.id}`].sort(),
    );
  });

  it("lets exactly one of many concurrent dispatches of a send reach the provider", async () => {
    const m = mailerWith();
    const { send: row } = await m.enqueue(receipt("lee@example.com"));
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => m.dispatch(row.id)));
    expect(outcomes.filter((o) => o.outcome === "sent")).toHaveLength(1);
    expect(resend.emails).toHaveLength(1);
  });

  it("sends each email once when two dispatchers drain one queue", async () => {
    const [a, b] = [mailerWith(), mailerWith()];
    const sends = await Promise.all(
      Array.from({ length: 150 }, (_, i) => a.enqueue(receipt(`pair-${i}@example.com`))),
    );
    const claimed = async (m: Mailer) => {
      let total = 0;
      for (
        let r = await m.dispatchBatch({ limit: 20 });
        r.claimed > 0;
        r = await m.dispatchBatch({ limit: 20 })
      )
        total += r.claimed;
      return total;
    };
    const [ca, cb] = await Promise.all([claimed(a), claimed(b)]);
    expect(ca + cb).toBe(150);
    expect(ca).toBeGreaterThan(0);
    expect(cb).toBeGreaterThan(0);
    const keys = resend.emails.map(sendKeyOf);
    expect(new Set(keys).size).toBe(150);
    expect(keys.sort()).toEqual(sends.map((s) => `hogsend-send-${s.send.id}`).sort());
  });
});

describe("POST /v1/emails rate limit", () => {
  it("answers 429 with Retry-After past EMAIL_SEND_RATE_LIMIT_PER_MINUTE for one key", async () => {
    const limited = createHogsendClient(
      testEnv(stack, {
        DATABASE_URL: database.url,
        EMAIL_PROVIDER: "resend",
        RESEND_API_KEY: "re_test_key",
        RESEND_BASE_URL: resend.url,
        EMAIL_SEND_RATE_LIMIT_PER_MINUTE: "2",
      }),
      { version: "test", role: "api", logger: createLogger({ level: "error", json: true, write: () => {} }) },
    );
    try {
      const limitedApp = createApp(createRuntime(limited, content));
      const key = (await createApiKey(limited.db.db, { name: "rl", scopes: ["send"], createdBy: "test" }))
        .secret;
      const call = () =>
        limitedApp.request("/v1/emails", {
          method: "POST",
          body: JSON.stringify(receipt("max@example.com")),
          headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        });
      expect((await call()).status).toBe(202);
      expect((await call()).status).toBe(202);
      const third = await call();
      expect(third.status).toBe(429);
      expect(third.headers.get("retry-after")).toMatch(/^\d+$/);
    } finally {
      await limited.close();
    }
  });
});
