import { createHmac, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { NeutralEmailEvent } from "@hogsend/core";
import { describe, expect, it } from "vitest";
import { createResendProvider } from "./create-resend-provider.js";

const fixturesDir = resolve(import.meta.dirname, "../../../../shared/fixtures/resend");
const fixture = (name: string) => readFileSync(join(fixturesDir, name), "utf8");

const secret = `whsec_${randomBytes(24).toString("base64")}`;
const otherSecret = `whsec_${randomBytes(24).toString("base64")}`;
// The API is never called here; the base URL only has to be well-formed.
const provider = createResendProvider({
  apiKey: "re_test",
  webhookSecret: secret,
  baseUrl: "http://127.0.0.1:9",
});

/** Signs like Svix (fixtures README): base64 HMAC-SHA256 of `id.timestamp.body` with the decoded secret. */
function sign(body: string, options: { secret?: string; timestamp?: number; id?: string } = {}) {
  const id = options.id ?? `msg_${randomBytes(8).toString("hex")}`;
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const key = Buffer.from((options.secret ?? secret).slice("whsec_".length), "base64");
  const signature = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  return new Headers({ "svix-id": id, "svix-timestamp": timestamp, "svix-signature": `v1,${signature}` });
}

const body = fixture("email.delivered.json");
const now = () => Math.floor(Date.now() / 1000);

describe("resend webhook verification (Svix)", () => {
  it("accepts a correctly signed body", () => {
    expect(provider.verifyWebhook({ headers: sign(body), rawBody: body })).toEqual({ ok: true });
  });

  it("accepts within the 5-minute tolerance and when any of several signatures matches", () => {
    expect(
      provider.verifyWebhook({ headers: sign(body, { timestamp: now() - 240 }), rawBody: body }).ok,
    ).toBe(true);
    const headers = sign(body);
    headers.set(
      "svix-signature",
      `v1,${Buffer.from("nope").toString("base64")} ${headers.get("svix-signature")}`,
    );
    expect(provider.verifyWebhook({ headers, rawBody: body }).ok).toBe(true);
  });

  it("refuses a forged signature and a tampered body", () => {
    const forged = provider.verifyWebhook({ headers: sign(body, { secret: otherSecret }), rawBody: body });
    expect(forged).toEqual({ ok: false, reason: expect.stringContaining("signature") });
    const tampered = body.replace("ada@example.com", "eve@example.com");
    expect(provider.verifyWebhook({ headers: sign(body), rawBody: tampered }).ok).toBe(false);
  });

  it("refuses a stale timestamp (over 5 minutes) even with a valid signature, and one from the future", () => {
    const stale = provider.verifyWebhook({
      headers: sign(body, { timestamp: now() - 6 * 60 }),
      rawBody: body,
    });
    expect(stale).toEqual({ ok: false, reason: expect.stringMatching(/too old/) });
    const future = provider.verifyWebhook({
      headers: sign(body, { timestamp: now() + 6 * 60 }),
      rawBody: body,
    });
    expect(future.ok).toBe(false);
  });

  it("refuses requests missing the Svix headers", () => {
    const headers = sign(body);
    headers.delete("svix-signature");
    expect(provider.verifyWebhook({ headers, rawBody: body })).toEqual({
      ok: false,
      reason: expect.stringContaining("svix-signature"),
    });
  });

  it("fails closed when no secret is configured", () => {
    const unconfigured = createResendProvider({ apiKey: "re_test", baseUrl: "http://127.0.0.1:9" });
    expect(unconfigured.verifyWebhook({ headers: sign(body), rawBody: body })).toEqual({
      ok: false,
      reason: expect.stringContaining("RESEND_WEBHOOK_SECRET"),
    });
  });

  it("refuses to start with a malformed secret", () => {
    expect(() => createResendProvider({ apiKey: "re_test", webhookSecret: "not-a-svix-secret" })).toThrow(
      /whsec_/,
    );
  });

  it("verifies a genuine non-JSON body and leaves the 400 to parsing", () => {
    const raw = "not json";
    expect(provider.verifyWebhook({ headers: sign(raw), rawBody: raw }).ok).toBe(true);
    expect(provider.parseWebhook(raw)).toEqual({
      ok: false,
      issues: [{ field: "body", message: "invalid JSON" }],
    });
  });
});

const base = { provider: "resend", metadata: {} };
const expectations: Record<string, NeutralEmailEvent[]> = {
  "email.sent.json": [
    {
      ...base,
      type: "sent",
      providerEventType: "email.sent",
      providerMessageId: "4ef9a417-02e9-4d39-ad75-9611e0fcc33c",
      recipient: "ada@example.com",
      occurredAt: new Date("2026-11-20T09:15:00.120Z"),
      metadata: { template: "welcome" },
    },
  ],
  "email.delivered.json": [
    {
      ...base,
      type: "delivered",
      providerEventType: "email.delivered",
      providerMessageId: "4ef9a417-02e9-4d39-ad75-9611e0fcc33c",
      recipient: "ada@example.com",
      occurredAt: new Date("2026-11-20T09:15:02.480Z"),
    },
  ],
  "email.delivery_delayed.json": [
    {
      ...base,
      type: "delivery_delayed",
      providerEventType: "email.delivery_delayed",
      providerMessageId: "4ef9a417-02e9-4d39-ad75-9611e0fcc33c",
      recipient: "ada@example.com",
      occurredAt: new Date("2026-11-20T09:20:00.000Z"),
    },
  ],
  "email.bounced.json": [
    {
      ...base,
      type: "bounced",
      providerEventType: "email.bounced",
      providerMessageId: "7b1c2d3e-0000-4d39-ad75-9611e0fcc999",
      recipient: "nobody@example.org",
      occurredAt: new Date("2026-11-20T09:15:03.001Z"),
      bounce: {
        permanent: true,
        reason: "The recipient's email provider rejected the message: mailbox does not exist.",
        providerType: "Permanent/General",
      },
    },
  ],
  "email.complained.json": [
    {
      ...base,
      type: "complained",
      providerEventType: "email.complained",
      providerMessageId: "4ef9a417-02e9-4d39-ad75-9611e0fcc33c",
      recipient: "ada@example.com",
      occurredAt: new Date("2026-11-21T18:02:44.000Z"),
    },
  ],
};

describe("resend webhook parsing", () => {
  it("has an expectation for every fixture", () => {
    expect(readdirSync(fixturesDir).sort()).toEqual(Object.keys(expectations).sort());
  });

  it.each(Object.entries(expectations))("parses %s", (name, expected) => {
    expect(provider.parseWebhook(fixture(name))).toEqual({ ok: true, events: expected, ignored: [] });
  });

  it("classifies a transient bounce as not permanent", () => {
    const payload = JSON.parse(fixture("email.bounced.json"));
    payload.data.bounce = { type: "Transient", subType: "MailboxFull", message: "Mailbox full" };
    const result = provider.parseWebhook(JSON.stringify(payload));
    expect(result.ok && result.events[0]?.bounce).toEqual({
      permanent: false,
      reason: "Mailbox full",
      providerType: "Transient/MailboxFull",
    });
  });

  it("parses clicks, opens and failures, with the category from tags", () => {
    const delivered = JSON.parse(fixture("email.delivered.json"));
    const clicked = {
      ...delivered,
      type: "email.clicked",
      data: {
        ...delivered.data,
        tags: { category: "welcome", send_id: "snd_1" },
        click: { link: "https://acme.example/start", ipAddress: "1.2.3.4", timestamp: "x", userAgent: "y" },
      },
    };
    const result = provider.parseWebhook(JSON.stringify(clicked));
    expect(result.ok && result.events[0]).toMatchObject({
      type: "clicked",
      url: "https://acme.example/start",
      category: "welcome",
      metadata: { category: "welcome", send_id: "snd_1" },
    });
    const opened = provider.parseWebhook(JSON.stringify({ ...delivered, type: "email.opened" }));
    expect(opened.ok && opened.events[0]?.type).toBe("opened");
    const failed = provider.parseWebhook(
      JSON.stringify({
        ...delivered,
        type: "email.failed",
        data: { ...delivered.data, failed: { reason: "quota" } },
      }),
    );
    expect(failed.ok && [failed.events[0]?.type, failed.events[0]?.failureReason]).toEqual([
      "failed",
      "quota",
    ]);
  });

  it("ignores event types Hogsend does not track", () => {
    const result = provider.parseWebhook(
      JSON.stringify({ type: "contact.created", created_at: "x", data: {} }),
    );
    expect(result).toEqual({
      ok: true,
      events: [],
      ignored: ["resend event contact.created is not tracked"],
    });
  });

  it("names the failing fields of an invalid payload", () => {
    const payload = JSON.parse(fixture("email.bounced.json"));
    delete payload.data.email_id;
    payload.created_at = "yesterday";
    delete payload.data.bounce.type;
    const result = provider.parseWebhook(JSON.stringify(payload));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues.map((i) => i.field).sort()).toEqual([
      "created_at",
      "data.bounce.type",
      "data.email_id",
    ]);
    expect(provider.parseWebhook(JSON.stringify({ data: {} }))).toEqual({
      ok: false,
      issues: [{ field: "type", message: "is required" }],
    });
  });
});
