import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  claimEmailSend,
  getEmailPreferences,
  insertEmailSendOnce,
  markEmailSent,
  schema,
  upsertContact,
} from "@hogsend/db";
import { asc, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createApp } from "../../../runtime/create-app.js";
import { defineWebhookSource } from "../../../sources/define-webhook-source.js";
import { setupTestApp, testRuntime } from "../../../testing.js";

const fixturesDir = resolve(import.meta.dirname, "../../../../../../../shared/fixtures");
const fixture = (name: string) => readFileSync(join(fixturesDir, name), "utf8");

const SECRET = `whsec_${randomBytes(24).toString("base64")}`;
const OTHER_SECRET = `whsec_${randomBytes(24).toString("base64")}`;
const PM_USER = "hogsend";
const PM_PASS = "s3cret-webhook-pass";

// A product-event source named `email` must not swallow /v1/webhooks/email/:providerId.
const emailSource = defineWebhookSource({
  id: "email",
  auth: {
    kind: "shared-secret",
    header: "x-test-secret",
    secret: () => "source-secret",
    secretEnv: "TEST_SECRET",
  },
  schema: z.object({}),
  transform: () => [],
});
// No provider key: the outbox is the active provider, so both receivers are built webhook-only,
// as after a switch of providers.
const api = setupTestApp({
  env: {
    RESEND_WEBHOOK_SECRET: SECRET,
    POSTMARK_WEBHOOK_USER: PM_USER,
    POSTMARK_WEBHOOK_PASS: PM_PASS,
    EMAIL_BOUNCE_SUPPRESS_THRESHOLD: "3",
  },
  content: { webhookSources: [emailSource] },
});
/** The same database, with no webhook secrets configured. */
let bareApp: ReturnType<typeof createApp>;
beforeAll(() => {
  bareApp = createApp(testRuntime(api.newClient()));
});

const db = () => api.client.db.db;

/** A contact and a send the provider accepted under `messageId`. */
async function sentEmail(provider: string, options: { contactId?: string } = {}) {
  const contactId =
    options.contactId ?? (await upsertContact(db(), { email: `c_${randomUUID()}@example.com` })).id;
  const { send } = await insertEmailSendOnce(db(), {
    idempotencyKey: `test:${randomUUID()}`,
    contactId,
    toEmail: "ada@example.com",
    template: "welcome",
    category: "product",
    subject: "Welcome to Acme",
  });
  await claimEmailSend(db(), send.id, 60_000);
  const messageId = randomUUID();
  await markEmailSent(db(), send.id, { provider, providerMessageId: messageId });
  return { contactId, sendId: send.id, messageId };
}

/** A fixture with its message id swapped, byte for byte otherwise (whitespace included). */
function resendBody(name: string, messageId: string) {
  const text = fixture(`resend/${name}.json`);
  const original = (JSON.parse(text) as { data: { email_id: string } }).data.email_id;
  return text.replace(original, messageId);
}
function postmarkBody(name: string, messageId: string) {
  const text = fixture(`postmark/${name}.json`);
  const original = (JSON.parse(text) as { MessageID: string }).MessageID;
  return text.replace(original, messageId);
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Signs like Svix: base64 HMAC-SHA256 of `id.timestamp.body` keyed with the decoded secret. */
function svixHeaders(body: string, options: { id?: string; timestamp?: number; secret?: string } = {}) {
  const id = options.id ?? `msg_${randomBytes(8).toString("hex")}`;
  const timestamp = String(options.timestamp ?? nowSeconds());
  const key = Buffer.from((options.secret ?? SECRET).slice("whsec_".length), "base64");
  const signature = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  return { "svix-id": id, "svix-timestamp": timestamp, "svix-signature": `v1,${signature}` };
}

const basic = (user: string, pass: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`,
});

function post(path: string, body: string, headers: Record<string, string>, target = api.app) {
  return target.request(path, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...headers },
  });
}
const postResend = (body: string, headers: Record<string, string> = svixHeaders(body), target = api.app) =>
  post("/v1/webhooks/email/resend", body, headers, target);
const postPostmark = (
  body: string,
  headers: Record<string, string> = basic(PM_USER, PM_PASS),
  target = api.app,
) => post("/v1/webhooks/email/postmark", body, headers, target);

type ErrorBody = { error: { code: string; message: string; details?: { fields: { field: string }[] } } };

/** Everything a webhook could change. */
async function snapshot() {
  return {
    sends: await db().select().from(schema.emailSends).orderBy(asc(schema.emailSends.id)),
    events: await db().select().from(schema.emailEvents).orderBy(asc(schema.emailEvents.id)),
    prefs: await db().select().from(schema.emailPreferences).orderBy(asc(schema.emailPreferences.contactId)),
    userEvents: await db().select().from(schema.userEvents).orderBy(asc(schema.userEvents.id)),
  };
}

/** Sends the request (a thunk, so the snapshot is taken first) and checks nothing changed. */
async function refusedWithoutChange(
  request: () => Response | Promise<Response>,
  status: number,
  code: string,
) {
  const before = await snapshot();
  const res = await request();
  expect(res.status).toBe(status);
  const body = (await res.json()) as ErrorBody;
  expect(body.error.code).toBe(code);
  expect(await snapshot()).toEqual(before);
  return body;
}

const emailEventsOf = (sendId: string) =>
  db().select().from(schema.emailEvents).where(eq(schema.emailEvents.sendId, sendId));
const sendRow = async (sendId: string) =>
  (await db().select().from(schema.emailSends).where(eq(schema.emailSends.id, sendId)))[0];
const userEventsOf = (contactId: string) =>
  db().select().from(schema.userEvents).where(eq(schema.userEvents.contactId, contactId));

describe("POST /v1/webhooks/email/resend", () => {
  it("records a signed delivery once, stamps the send and emits email.delivered", async () => {
    const { contactId, sendId, messageId } = await sentEmail("resend");
    const body = resendBody("email.delivered", messageId);
    const headers = svixHeaders(body);
    const res = await postResend(body, headers);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: 1, processed: 1, duplicates: 0 });

    const events = await emailEventsOf(sendId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "delivered",
      dedupeKey: `resend:${headers["svix-id"]}:0`,
      data: { provider: "resend", providerEventType: "email.delivered", recipient: "ada@example.com" },
    });
    expect((await sendRow(sendId))?.deliveredAt?.toISOString()).toBe("2026-11-20T09:15:02.480Z");
    const emitted = await userEventsOf(contactId);
    expect(emitted.map((e) => [e.event, e.source, e.idempotencyKey])).toEqual([
      ["email.delivered", "email-webhook:resend", `email.delivered:${sendId}`],
    ]);
    expect(emitted[0]?.properties).toMatchObject({ sendId, template: "welcome", category: "product" });
  });

  it("counts a redelivered permanent bounce once, and a send's second bounce record not at all", async () => {
    const { contactId, sendId, messageId } = await sentEmail("resend");
    const body = resendBody("email.bounced", messageId);
    const svixId = `msg_${randomBytes(8).toString("hex")}`;
    const first = await postResend(body, svixHeaders(body, { id: svixId }));
    expect(await first.json()).toEqual({ received: 1, processed: 1, duplicates: 0 });
    const prefs = await getEmailPreferences(db(), contactId);
    expect(prefs).toMatchObject({ bounceCount: 1, suppressed: false });
    expect((await sendRow(sendId))?.bouncedAt).not.toBeNull();
    const bounced = await userEventsOf(contactId);
    expect(bounced).toHaveLength(1);
    expect(bounced[0]).toMatchObject({ event: "email.bounced", idempotencyKey: `email.bounced:${sendId}` });
    expect(bounced[0]?.properties).toMatchObject({
      sendId,
      bounceType: "permanent",
      reason: "The recipient's email provider rejected the message: mailbox does not exist.",
    });

    // Svix retries keep the message id (and sign again with a new timestamp).
    const before = await snapshot();
    const again = await postResend(body, svixHeaders(body, { id: svixId, timestamp: nowSeconds() + 1 }));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ received: 1, processed: 0, duplicates: 1 });
    expect(await snapshot()).toEqual(before);

    // A distinct bounce record for a send that already bounced is kept, but the send counts once.
    const other = await postResend(body);
    expect(await other.json()).toEqual({ received: 1, processed: 1, duplicates: 0 });
    expect(await emailEventsOf(sendId)).toHaveLength(2);
    expect((await getEmailPreferences(db(), contactId))?.bounceCount).toBe(1);
    expect(await userEventsOf(contactId)).toHaveLength(1);
  });

  it("re-emits on redelivery only when the first delivery's event never got stored (crash after commit)", async () => {
    const { contactId, messageId } = await sentEmail("resend");
    const body = resendBody("email.bounced", messageId);
    const headers = svixHeaders(body);
    expect((await postResend(body, headers)).status).toBe(200);
    // The process died after the commit, before email.bounced was stored.
    await db().delete(schema.userEvents).where(eq(schema.userEvents.contactId, contactId));

    const again = await postResend(body, headers);
    expect(await again.json()).toEqual({ received: 1, processed: 0, duplicates: 1 });
    expect((await userEventsOf(contactId)).map((e) => e.event)).toEqual(["email.bounced"]);
    expect((await getEmailPreferences(db(), contactId))?.bounceCount).toBe(1);
  });

  it("suppresses a contact at the third permanent bounce (threshold 3)", async () => {
    const { id: contactId } = await upsertContact(db(), { email: `c_${randomUUID()}@example.com` });
    const messageIds: string[] = [];
    for (let i = 0; i < 3; i++) messageIds.push((await sentEmail("resend", { contactId })).messageId);

    for (const [i, messageId] of messageIds.entries()) {
      const body = resendBody("email.bounced", messageId);
      expect((await postResend(body)).status).toBe(200);
      const prefs = await getEmailPreferences(db(), contactId);
      expect(prefs?.bounceCount).toBe(i + 1);
      expect(prefs?.suppressed).toBe(i === 2);
    }
    expect((await getEmailPreferences(db(), contactId))?.suppressedReason).toMatch(/^bounced 3 times: /);
    expect((await userEventsOf(contactId)).filter((e) => e.event === "email.bounced")).toHaveLength(3);
  });

  it("records a transient bounce only: no count, no suppression, no journey event", async () => {
    const { contactId, sendId, messageId } = await sentEmail("resend");
    const body = resendBody("email.bounced", messageId).replace('"type": "Permanent"', '"type": "Transient"');
    const res = await postResend(body);
    expect(await res.json()).toEqual({ received: 1, processed: 1, duplicates: 0 });
    const events = await emailEventsOf(sendId);
    expect(events.map((e) => [e.type, e.data.bounceType])).toEqual([["bounced", "transient"]]);
    expect((await sendRow(sendId))?.bouncedAt).toBeNull();
    expect(await getEmailPreferences(db(), contactId)).toBeUndefined();
    expect(await userEventsOf(contactId)).toEqual([]);
  });

  it("suppresses a complaining contact at once and emits email.complained", async () => {
    const { contactId, sendId, messageId } = await sentEmail("resend");
    const body = resendBody("email.complained", messageId);
    expect(await (await postResend(body)).json()).toEqual({ received: 1, processed: 1, duplicates: 0 });
    expect(await getEmailPreferences(db(), contactId)).toMatchObject({
      suppressed: true,
      suppressedReason: "complained",
      bounceCount: 0,
    });
    expect((await sendRow(sendId))?.complainedAt).not.toBeNull();
    expect((await userEventsOf(contactId)).map((e) => e.event)).toEqual(["email.complained"]);
  });

  it("records a late bounce for a deleted contact without re-creating the contact", async () => {
    const { contactId, sendId, messageId } = await sentEmail("resend");
    await db()
      .update(schema.contacts)
      .set({ deletedAt: new Date() })
      .where(eq(schema.contacts.id, contactId));
    const contactsBefore = await db().select().from(schema.contacts);
    const body = resendBody("email.bounced", messageId);
    expect(await (await postResend(body)).json()).toEqual({ received: 1, processed: 1, duplicates: 0 });
    expect(await emailEventsOf(sendId)).toHaveLength(1);
    expect(await db().select().from(schema.contacts)).toEqual(contactsBefore);
    expect(
      await db().select().from(schema.userEvents).where(eq(schema.userEvents.event, "email.bounced")),
    ).not.toContainEqual(expect.objectContaining({ properties: expect.objectContaining({ sendId }) }));
  });

  it("acknowledges events for messages it never sent and records nothing", async () => {
    const body = resendBody("email.delivered", randomUUID());
    const before = await snapshot();
    const res = await postResend(body);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: 1, processed: 0, duplicates: 0 });
    expect(await snapshot()).toEqual(before);
  });

  it("answers 200 with nothing received for event types it does not track", async () => {
    const body = JSON.stringify({
      type: "contact.created",
      created_at: "2026-11-20T09:15:00.000Z",
      data: {},
    });
    expect(await (await postResend(body)).json()).toEqual({ received: 0, processed: 0, duplicates: 0 });
  });

  it("refuses a forged signature, a tampered body, a stale timestamp and missing headers with 401", async () => {
    const { messageId } = await sentEmail("resend");
    const body = resendBody("email.bounced", messageId);
    const forged = await refusedWithoutChange(
      () => postResend(body, svixHeaders(body, { secret: OTHER_SECRET })),
      401,
      "UNAUTHORIZED",
    );
    expect(forged.error.message).toMatch(/signature/);
    const tampered = body.replace("nobody@example.org", "eve@example.org");
    await refusedWithoutChange(() => postResend(tampered, svixHeaders(body)), 401, "UNAUTHORIZED");
    const stale = await refusedWithoutChange(
      () => postResend(body, svixHeaders(body, { timestamp: nowSeconds() - 6 * 60 })),
      401,
      "UNAUTHORIZED",
    );
    expect(stale.error.message).toMatch(/too old/);
    const { "svix-signature": _, ...unsigned } = svixHeaders(body);
    await refusedWithoutChange(() => postResend(body, unsigned), 401, "UNAUTHORIZED");
  });

  it("fails closed with 401 naming RESEND_WEBHOOK_SECRET when it is unset", async () => {
    const { messageId } = await sentEmail("resend");
    const body = resendBody("email.bounced", messageId);
    const refused = await refusedWithoutChange(
      () => postResend(body, svixHeaders(body), bareApp),
      401,
      "UNAUTHORIZED",
    );
    expect(refused.error.message).toContain("RESEND_WEBHOOK_SECRET");
  });

  it("answers 400 naming the fields of a verified body it cannot parse, storing nothing", async () => {
    const { messageId } = await sentEmail("resend");
    const body = JSON.stringify({
      type: "email.bounced",
      created_at: "2026-11-20T09:15:03.001Z",
      data: { email_id: messageId },
    });
    const refused = await refusedWithoutChange(() => postResend(body), 400, "VALIDATION_FAILED");
    const fields = refused.error.details?.fields.map((f) => f.field).sort();
    expect(fields).toEqual(["data.bounce.type", "data.to"]);
    expect(refused.error.message).toContain("data.to");
    await refusedWithoutChange(() => postResend("not json"), 400, "VALIDATION_FAILED");
  });

  it("refuses a body over 256 KB with 413 before verifying or storing anything", async () => {
    const { messageId } = await sentEmail("resend");
    const big = resendBody("email.delivered", messageId).replace(
      '"subject": "Welcome to Acme"',
      `"subject": "${"x".repeat(300 * 1024)}"`,
    );
    await refusedWithoutChange(() => postResend(big), 413, "PAYLOAD_TOO_LARGE");
  });
});

describe("POST /v1/webhooks/email/postmark", () => {
  it("records a delivery with the right Basic credentials and emits email.delivered", async () => {
    const { contactId, sendId, messageId } = await sentEmail("postmark");
    const body = postmarkBody("delivery", messageId);
    const res = await postPostmark(body);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: 1, processed: 1, duplicates: 0 });
    const events = await emailEventsOf(sendId);
    expect(events.map((e) => [e.type, e.dedupeKey])).toEqual([
      ["delivered", `postmark:Delivery:${messageId}:ada@example.com:2026-11-20T09:15:02.000Z`],
    ]);
    expect((await userEventsOf(contactId)).map((e) => [e.event, e.source])).toEqual([
      ["email.delivered", "email-webhook:postmark"],
    ]);
    // Postmark has no delivery id: the same record redelivered is recognised by its contents.
    expect(await (await postPostmark(body)).json()).toEqual({ received: 1, processed: 0, duplicates: 1 });
    expect(await emailEventsOf(sendId)).toHaveLength(1);
  });

  it("counts a hard bounce once and only records a soft bounce", async () => {
    const hard = await sentEmail("postmark");
    const soft = await sentEmail("postmark", { contactId: hard.contactId });
    const hardBody = postmarkBody("bounce-hard", hard.messageId);
    expect(await (await postPostmark(hardBody)).json()).toEqual({ received: 1, processed: 1, duplicates: 0 });
    expect(await (await postPostmark(hardBody)).json()).toEqual({ received: 1, processed: 0, duplicates: 1 });
    expect(await (await postPostmark(postmarkBody("bounce-soft", soft.messageId))).json()).toEqual({
      received: 1,
      processed: 1,
      duplicates: 0,
    });

    expect(await getEmailPreferences(db(), hard.contactId)).toMatchObject({
      bounceCount: 1,
      suppressed: false,
    });
    expect((await emailEventsOf(soft.sendId)).map((e) => e.data.bounceType)).toEqual(["transient"]);
    expect((await sendRow(soft.sendId))?.bouncedAt).toBeNull();
    const emitted = await userEventsOf(hard.contactId);
    expect(emitted.map((e) => [e.event, e.properties.sendId, e.properties.bounceType])).toEqual([
      ["email.bounced", hard.sendId, "permanent"],
    ]);
  });

  it("suppresses on a spam complaint, and records a provider-tracked open without counting it", async () => {
    const { contactId, sendId, messageId } = await sentEmail("postmark");
    expect((await postPostmark(postmarkBody("spam-complaint", messageId))).status).toBe(200);
    expect(await getEmailPreferences(db(), contactId)).toMatchObject({
      suppressed: true,
      suppressedReason: "complained",
    });
    expect((await postPostmark(postmarkBody("open", messageId))).status).toBe(200);
    const send = await sendRow(sendId);
    expect(send).toMatchObject({ openCount: 0, firstOpenedAt: null });
    expect((await emailEventsOf(sendId)).map((e) => e.type).sort()).toEqual(["complained", "opened"]);
    expect((await userEventsOf(contactId)).map((e) => e.event)).toEqual(["email.complained"]);
  });

  it("refuses wrong or missing Basic credentials with 401", async () => {
    const { messageId } = await sentEmail("postmark");
    const body = postmarkBody("bounce-hard", messageId);
    const wrong = await refusedWithoutChange(
      () => postPostmark(body, basic(PM_USER, "guess")),
      401,
      "UNAUTHORIZED",
    );
    expect(wrong.error.message).toContain("wrong webhook credentials");
    await refusedWithoutChange(() => postPostmark(body, {}), 401, "UNAUTHORIZED");
  });

  it("fails closed with 401 naming the env vars when the credentials are unset", async () => {
    const { messageId } = await sentEmail("postmark");
    const body = postmarkBody("bounce-hard", messageId);
    const refused = await refusedWithoutChange(
      () => postPostmark(body, basic(PM_USER, PM_PASS), bareApp),
      401,
      "UNAUTHORIZED",
    );
    expect(refused.error.message).toContain("POSTMARK_WEBHOOK_USER");
  });
});

describe("POST /v1/webhooks/email/:providerId routing", () => {
  it("answers 404 in the error envelope for providers that receive no webhooks", async () => {
    const body = resendBody("email.delivered", randomUUID());
    for (const id of ["sendgrid", "outbox"]) {
      const refused = await refusedWithoutChange(
        () => post(`/v1/webhooks/email/${id}`, body, svixHeaders(body)),
        404,
        "NOT_FOUND",
      );
      expect(refused.error.message).toContain("resend, postmark");
    }
  });

  it("is not swallowed by the product-event route /v1/webhooks/:sourceId", async () => {
    // A source named `email` exists in this app; the provider route still answers its own shape.
    const { messageId } = await sentEmail("resend");
    const body = resendBody("email.delivered", messageId);
    const res = await postResend(body);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: 1, processed: 1, duplicates: 0 });
    // …while /v1/webhooks/email itself is still the source's.
    const sourceRes = await post("/v1/webhooks/email", "{}", { "x-test-secret": "source-secret" });
    expect(sourceRes.status).toBe(202);
  });
});
