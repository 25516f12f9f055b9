import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { NeutralEmailEvent } from "@hogsend/core";
import { describe, expect, it } from "vitest";
import { createPostmarkProvider } from "./create-postmark-provider.js";

const fixturesDir = resolve(import.meta.dirname, "../../../../shared/fixtures/postmark");
const fixture = (name: string) => readFileSync(join(fixturesDir, name), "utf8");

const credentials = { username: "hogsend", password: "s3cret-webhook-pass" };
// The API is never called here; the base URL only has to be well-formed.
const provider = createPostmarkProvider({
  serverToken: "pm-token",
  baseUrl: "http://127.0.0.1:9",
  webhookBasicAuth: credentials,
});

const basic = (user: string, pass: string) =>
  new Headers({ authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}` });

const body = fixture("delivery.json");

describe("postmark webhook verification (HTTP Basic)", () => {
  it("accepts the configured credentials", () => {
    expect(
      provider.verifyWebhook({ headers: basic("hogsend", "s3cret-webhook-pass"), rawBody: body }),
    ).toEqual({
      ok: true,
    });
  });

  it("refuses wrong credentials", () => {
    expect(provider.verifyWebhook({ headers: basic("hogsend", "guess"), rawBody: body })).toEqual({
      ok: false,
      reason: "wrong webhook credentials",
    });
    expect(provider.verifyWebhook({ headers: basic("other", "s3cret-webhook-pass"), rawBody: body }).ok).toBe(
      false,
    );
  });

  it("refuses a missing or non-Basic Authorization header", () => {
    expect(provider.verifyWebhook({ headers: new Headers(), rawBody: body })).toEqual({
      ok: false,
      reason: expect.stringContaining("missing Authorization"),
    });
    const bearer = new Headers({ authorization: "Bearer s3cret-webhook-pass" });
    expect(provider.verifyWebhook({ headers: bearer, rawBody: body }).ok).toBe(false);
  });

  it("fails closed when credentials are unset or incomplete", () => {
    const unconfigured = createPostmarkProvider({ serverToken: "pm-token" });
    expect(unconfigured.verifyWebhook({ headers: basic("", ""), rawBody: body })).toEqual({
      ok: false,
      reason: expect.stringContaining("POSTMARK_WEBHOOK_USER"),
    });
    const half = createPostmarkProvider({
      serverToken: "pm-token",
      webhookBasicAuth: { username: "u", password: "" },
    });
    expect(half.verifyWebhook({ headers: basic("u", ""), rawBody: body }).ok).toBe(false);
  });
});

const base = { provider: "postmark", category: "welcome" };
const expectations: Record<string, NeutralEmailEvent[]> = {
  "delivery.json": [
    {
      ...base,
      type: "delivered",
      providerEventType: "Delivery",
      providerMessageId: "883953f4-6105-42a2-a16a-77a8eac79483",
      recipient: "ada@example.com",
      occurredAt: new Date("2026-11-20T09:15:02.000Z"),
      metadata: { send_id: "snd_example" },
    },
  ],
  "bounce-hard.json": [
    {
      ...base,
      type: "bounced",
      providerEventType: "Bounce",
      providerMessageId: "9a1b2c3d-6105-42a2-a16a-77a8eac79483",
      recipient: "nobody@example.org",
      occurredAt: new Date("2026-11-20T09:15:03.000Z"),
      metadata: { send_id: "snd_example2" },
      bounce: {
        permanent: true,
        reason:
          "The server was unable to deliver your message (ex: unknown user, mailbox not found). smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        providerType: "HardBounce",
      },
    },
  ],
  "bounce-soft.json": [
    {
      ...base,
      type: "bounced",
      providerEventType: "Bounce",
      providerMessageId: "aa1b2c3d-6105-42a2-a16a-77a8eac79483",
      recipient: "full@example.org",
      occurredAt: new Date("2026-11-20T09:16:00.000Z"),
      metadata: {},
      bounce: {
        permanent: false,
        reason: "Unable to temporarily deliver this email. smtp;452 4.2.2 Mailbox full",
        providerType: "SoftBounce",
      },
    },
  ],
  "spam-complaint.json": [
    {
      ...base,
      type: "complained",
      providerEventType: "SpamComplaint",
      providerMessageId: "883953f4-6105-42a2-a16a-77a8eac79483",
      recipient: "ada@example.com",
      occurredAt: new Date("2026-11-21T18:02:44.000Z"),
      metadata: {},
    },
  ],
  "open.json": [
    {
      ...base,
      type: "opened",
      providerEventType: "Open",
      providerMessageId: "883953f4-6105-42a2-a16a-77a8eac79483",
      recipient: "ada@example.com",
      occurredAt: new Date("2026-11-20T10:00:00.000Z"),
      metadata: {},
    },
  ],
};

const click = {
  RecordType: "Click",
  MessageStream: "outbound",
  ClickLocation: "HTML",
  Client: { Name: "Chrome 120", Company: "Google", Family: "Chrome" },
  OS: { Name: "macOS", Company: "Apple", Family: "OS X" },
  Platform: "Desktop",
  UserAgent: "Mozilla/5.0",
  OriginalLink: "https://acme.example/start",
  Geo: {},
  MessageID: "883953f4-6105-42a2-a16a-77a8eac79483",
  Metadata: { send_id: "snd_example" },
  ReceivedAt: "2026-11-20T10:01:00.000Z",
  Tag: "welcome",
  Recipient: "ada@example.com",
};

const subscriptionChange = (overrides: Record<string, unknown>) =>
  JSON.stringify({
    RecordType: "SubscriptionChange",
    MessageID: "883953f4-6105-42a2-a16a-77a8eac79483",
    ServerID: 23,
    MessageStream: "outbound",
    ChangedAt: "2026-11-22T08:00:00.000Z",
    Recipient: "ada@example.com",
    Origin: "Recipient",
    SuppressSending: true,
    SuppressionReason: "ManualSuppression",
    Tag: "welcome",
    Metadata: {},
    ...overrides,
  });

describe("postmark webhook parsing", () => {
  it("has an expectation for every fixture", () => {
    expect(readdirSync(fixturesDir).sort()).toEqual(Object.keys(expectations).sort());
  });

  it.each(Object.entries(expectations))("parses %s", (name, expected) => {
    expect(provider.parseWebhook(fixture(name))).toEqual({ ok: true, events: expected, ignored: [] });
  });

  it("classifies bounces by Type, TypeCode and Inactive", () => {
    const soft = JSON.parse(fixture("bounce-soft.json"));
    const permanent = (overrides: Record<string, unknown>) => {
      const result = provider.parseWebhook(JSON.stringify({ ...soft, ...overrides }));
      return result.ok ? result.events[0]?.bounce?.permanent : undefined;
    };
    expect(permanent({})).toBe(false);
    expect(permanent({ Type: "BadEmailAddress", TypeCode: 100000 })).toBe(true);
    expect(permanent({ Type: "Renamed", TypeCode: 1 })).toBe(true);
    expect(permanent({ Type: "Blocked", TypeCode: 100006, Inactive: true })).toBe(true);
    expect(permanent({ Type: "Transient", TypeCode: 2 })).toBe(false);
  });

  it("parses a click with its link", () => {
    const result = provider.parseWebhook(JSON.stringify(click));
    expect(result).toEqual({
      ok: true,
      ignored: [],
      events: [
        {
          ...base,
          type: "clicked",
          providerEventType: "Click",
          providerMessageId: "883953f4-6105-42a2-a16a-77a8eac79483",
          recipient: "ada@example.com",
          occurredAt: new Date("2026-11-20T10:01:00.000Z"),
          url: "https://acme.example/start",
          metadata: { send_id: "snd_example" },
        },
      ],
    });
  });

  it("turns a recipient's own suppression into an unsubscribe, and ignores other subscription changes", () => {
    const unsubscribed = provider.parseWebhook(subscriptionChange({}));
    expect(unsubscribed.ok && unsubscribed.events).toEqual([
      {
        ...base,
        type: "unsubscribed",
        providerEventType: "SubscriptionChange",
        providerMessageId: "883953f4-6105-42a2-a16a-77a8eac79483",
        recipient: "ada@example.com",
        occurredAt: new Date("2026-11-22T08:00:00.000Z"),
        metadata: {},
      },
    ]);
    const byBounce = provider.parseWebhook(subscriptionChange({ SuppressionReason: "HardBounce" }));
    expect(byBounce.ok && [byBounce.events, byBounce.ignored.length]).toEqual([[], 1]);
    const reactivated = provider.parseWebhook(
      subscriptionChange({ SuppressSending: false, SuppressionReason: undefined }),
    );
    expect(reactivated.ok && reactivated.events).toEqual([]);
  });

  it("ignores record types Hogsend does not track", () => {
    expect(provider.parseWebhook(JSON.stringify({ RecordType: "Inbound", MessageID: "x" }))).toEqual({
      ok: true,
      events: [],
      ignored: ["postmark record Inbound is not tracked"],
    });
  });

  it("names the failing fields of an invalid payload", () => {
    const payload = JSON.parse(fixture("bounce-hard.json"));
    delete payload.MessageID;
    payload.BouncedAt = 12;
    const result = provider.parseWebhook(JSON.stringify(payload));
    expect(!result.ok && result.issues).toEqual([
      { field: "MessageID", message: "is required" },
      { field: "BouncedAt", message: "must be a string" },
    ]);
    expect(provider.parseWebhook("[]")).toEqual({
      ok: false,
      issues: [{ field: "body", message: "must be a JSON object" }],
    });
    expect(provider.parseWebhook(JSON.stringify({ Type: "HardBounce" }))).toEqual({
      ok: false,
      issues: [{ field: "RecordType", message: "is required" }],
    });
  });
});
