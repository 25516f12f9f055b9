import { createRateScheduler, type EmailMessage, withRateLimit } from "@hogsend/core";
import { type FakePostmark, startFakePostmark } from "@hogsend/devstack/fakes";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPostmarkProvider, type PostmarkProviderOptions } from "./create-postmark-provider.js";
import { postmarkEmailProvider } from "./descriptor.js";

const TOKEN = "pm-server-token-0123";
let fake: FakePostmark;

beforeAll(async () => {
  fake = await startFakePostmark({ serverToken: TOKEN });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const provider = (options: Partial<PostmarkProviderOptions> = {}) =>
  createPostmarkProvider({ serverToken: TOKEN, baseUrl: fake.url, timeoutMs: 2_000, ...options });

function requestAt(index: number) {
  const request = fake.requests[index];
  if (!request) throw new Error(`expected a request #${index}, got ${fake.requests.length}`);
  return request;
}

const unsubscribeUrl = "https://api.example.com/v1/email/unsubscribe?token=tok_abc";

function message(n = 1, overrides: Partial<EmailMessage> = {}): EmailMessage {
  return {
    from: "Acme <hello@mail.example.com>",
    to: `user${n}@example.com`,
    subject: `Welcome ${n}`,
    html: `<p>Hello ${n}</p>`,
    text: `Hello ${n}`,
    replyTo: "support@example.com",
    headers: {
      "List-Unsubscribe": `<${unsubscribeUrl}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
    category: "welcome",
    metadata: { send_id: `snd_${n}` },
    idempotencyKey: `journey/welcome/user${n}/step-1`,
    ...overrides,
  };
}

describe("postmark send", () => {
  it("sends through the SDK with the server token, headers, tag, metadata and stream", async () => {
    const outcome = await provider().send(message());
    const request = requestAt(0);
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/email");
    expect(request.headers["x-postmark-server-token"]).toBe(TOKEN);
    expect(request.headers.accept).toBe("application/json");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.body).toEqual({
      From: "Acme <hello@mail.example.com>",
      To: "user1@example.com",
      Subject: "Welcome 1",
      HtmlBody: "<p>Hello 1</p>",
      TextBody: "Hello 1",
      ReplyTo: "support@example.com",
      Headers: [
        { Name: "List-Unsubscribe", Value: `<${unsubscribeUrl}>` },
        { Name: "List-Unsubscribe-Post", Value: "List-Unsubscribe=One-Click" },
      ],
      Tag: "welcome",
      // No idempotency header exists at Postmark: the key travels as metadata for tracing.
      Metadata: { send_id: "snd_1", idempotency_key: "journey/welcome/user1/step-1" },
      MessageStream: "outbound",
      TrackOpens: false,
      TrackLinks: "None",
    });
    expect(outcome).toEqual({ ok: true, providerMessageId: fake.messages[0]?.messageId });
  });

  it("uses the configured stream, a per-message override, and digests over-long keys", async () => {
    await provider({ messageStream: "broadcast" }).send(message(1));
    await provider().send(message(2, { messageStream: "broadcast", idempotencyKey: "k".repeat(200) }));
    expect((requestAt(0).body as { MessageStream: string }).MessageStream).toBe("broadcast");
    const second = requestAt(1).body as { MessageStream: string; Metadata: Record<string, string> };
    expect(second.MessageStream).toBe("broadcast");
    expect(second.Metadata.idempotency_key).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("omits optional fields the message does not have", async () => {
    const bare: EmailMessage = {
      from: "a@example.com",
      to: "b@example.com",
      subject: "Hi",
      html: "<p>Hi</p>",
    };
    expect((await provider().send(bare)).ok).toBe(true);
    expect(requestAt(0).body).toEqual({
      From: "a@example.com",
      To: "b@example.com",
      Subject: "Hi",
      HtmlBody: "<p>Hi</p>",
      MessageStream: "outbound",
      TrackOpens: false,
      TrackLinks: "None",
    });
  });
});

describe("postmark batch", () => {
  it("splits 600 messages into 500 + 100 batch requests and maps ids in order", async () => {
    const messages = Array.from({ length: 600 }, (_, i) => message(i));
    const outcomes = await provider().sendBatch(messages);
    expect(fake.requests.map((r) => [r.method, r.path, (r.body as unknown[]).length])).toEqual([
      ["POST", "/email/batch", 500],
      ["POST", "/email/batch", 100],
    ]);
    for (const request of fake.requests) {
      expect(request.headers["x-postmark-server-token"]).toBe(TOKEN);
      for (const m of request.body as {
        Headers: { Name: string; Value: string }[];
        MessageStream: string;
      }[]) {
        expect(m.Headers).toContainEqual({
          Name: "List-Unsubscribe-Post",
          Value: "List-Unsubscribe=One-Click",
        });
        expect(m.MessageStream).toBe("outbound");
      }
    }
    expect(outcomes).toHaveLength(600);
    expect(outcomes.map((o) => (o.ok ? o.providerMessageId : "failed"))).toEqual(
      fake.messages.map((m) => m.messageId),
    );
    expect(fake.messages.map((m) => m.payload.To)).toEqual(messages.map((m) => m.to));
    expect(fake.ledger.summary()).toEqual({ accepted: 600, keys: 600, unkeyed: 0, duplicates: 0 });
  });

  it("refuses a bad address alone before the batch, so strict validation cannot take the batch down", async () => {
    const outcomes = await provider().sendBatch([
      message(1),
      message(2, { to: "user2@example" }),
      message(3, { from: "Acme <hello@>" }),
      message(4, { headers: { "Bad Header": "x" } }),
      message(5),
    ]);
    expect(fake.requests).toHaveLength(1);
    expect(fake.messages.map((m) => m.payload.To)).toEqual(["user1@example.com", "user5@example.com"]);
    expect(outcomes.map((o) => (o.ok ? "ok" : `${o.error.kind}: ${o.error.reason}`))).toEqual([
      "ok",
      'rejected: invalid message: `to` is not one valid email address ("user2@example")',
      'rejected: invalid message: `from` is not one valid email address ("Acme <hello@>")',
      'rejected: invalid message: header name "Bad Header" is not a valid header field name',
      "ok",
    ]);
  });

  it("refuses a body over Postmark's 5 MB limit without sending it", async () => {
    const outcome = await provider().send(message(1, { html: `<p>${"x".repeat(5 * 1024 * 1024)}</p>` }));
    expect(!outcome.ok && outcome.error.reason).toMatch(
      /`html` is \d+ bytes, over the 5242880-byte limit of postmark/,
    );
    expect(fake.requests).toHaveLength(0);
  });

  it("reports a per-message refusal inside an accepted batch (inactive recipient)", async () => {
    fake.inactiveRecipients.add("user2@example.com");
    const outcomes = await provider().sendBatch([message(1), message(2), message(3)]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    const refused = outcomes[1];
    expect(!refused?.ok && refused?.error).toMatchObject({
      kind: "rejected",
      providerCode: "406",
      retryable: false,
    });
    expect(fake.messages.map((m) => m.payload.To)).toEqual(["user1@example.com", "user3@example.com"]);
  });

  it("stops after a rate-limited chunk and reports the rest as rate limited", async () => {
    fake.failNext({ status: 429, retryAfterSeconds: 4, after: 1 });
    const outcomes = await provider().sendBatch(Array.from({ length: 1200 }, (_, i) => message(i)));
    expect(fake.requests).toHaveLength(2);
    expect(outcomes.slice(0, 500).every((o) => o.ok)).toBe(true);
    const rest = outcomes.slice(500);
    expect(rest).toHaveLength(700);
    for (const o of rest) {
      if (o.ok) throw new Error("expected failures after the rate-limited chunk");
      expect([o.error.kind, o.error.retryAfterMs]).toEqual(["rate_limited", 4_000]);
    }
  });
});

describe("postmark error classification", () => {
  it("429 with Retry-After is rate_limited and retryable", async () => {
    fake.failNext({ status: 429, retryAfterSeconds: 2 });
    const outcome = await provider().send(message());
    if (outcome.ok) throw new Error("expected a failure");
    expect(outcome.error).toMatchObject({
      kind: "rate_limited",
      providerStatus: 429,
      retryAfterMs: 2_000,
      retryable: true,
    });
  });

  it.each([500, 503])("%i is unavailable and retryable", async (status) => {
    fake.failNext({ status });
    const outcome = await provider().send(message());
    expect(
      !outcome.ok && [outcome.error.kind, outcome.error.providerStatus, outcome.error.retryable],
    ).toEqual(["unavailable", status, true]);
  });

  it("no answer within the timeout is outcome_unknown: Postmark may have accepted it", async () => {
    fake.delayNext({ ms: 3_000 });
    const started = performance.now();
    const outcome = await provider({ timeoutMs: 200 }).send(message());
    expect(performance.now() - started).toBeLessThan(2_500);
    expect(!outcome.ok && [outcome.error.kind, outcome.error.retryable]).toEqual(["outcome_unknown", false]);
    expect(!outcome.ok && outcome.error.reason).toMatch(/no answer within 200 ms; .* not resent/);
  });

  it("a connection dropped after the request arrived is outcome_unknown", async () => {
    fake.dropNext({ process: true });
    const outcome = await provider().send(message());
    expect(!outcome.ok && [outcome.error.kind, outcome.error.retryable]).toEqual(["outcome_unknown", false]);
    expect(fake.messages).toHaveLength(1);
  });

  it("422 is a permanent rejection carrying Postmark's ErrorCode", async () => {
    fake.inactiveRecipients.add("user1@example.com");
    const inactive = await provider().send(message());
    if (inactive.ok) throw new Error("expected a failure");
    expect(inactive.error).toMatchObject({
      kind: "rejected",
      providerStatus: 422,
      providerCode: "406",
      retryable: false,
    });
    expect(inactive.error.reason).toContain("inactive");

    const unknownStream = await provider().send(message(2, { messageStream: "nope" }));
    expect(!unknownStream.ok && [unknownStream.error.kind, unknownStream.error.providerCode]).toEqual([
      "rejected",
      "1235",
    ]);
  });

  it("a wrong server token is rejected, not retried", async () => {
    const outcome = await provider({ serverToken: "wrong" }).send(message());
    expect(!outcome.ok && [outcome.error.kind, outcome.error.providerStatus, outcome.error.code]).toEqual([
      "rejected",
      401,
      "INTERNAL",
    ]);
  });

  it("a refused connection is unavailable", async () => {
    const closed = await startFakePostmark();
    const url = closed.url;
    await closed.close();
    const outcome = await provider({ baseUrl: url }).send(message());
    expect(!outcome.ok && [outcome.error.kind, outcome.error.providerStatus]).toEqual([
      "unavailable",
      undefined,
    ]);
  });

  it("keeps concurrent calls' responses apart (Retry-After goes to the call that got it)", async () => {
    fake.failNext({ status: 429, retryAfterSeconds: 7 });
    fake.delayNext({ ms: 150 });
    const client = provider();
    const outcomes = await Promise.all([client.send(message(1)), client.send(message(2))]);
    const failed = outcomes.filter((o) => !o.ok);
    expect(failed).toHaveLength(1);
    expect(!failed[0]?.ok && failed[0]?.error.retryAfterMs).toBe(7_000);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
  });

  it("a timed-out batch behind the rate scheduler is not resent, though Postmark accepted it", async () => {
    fake.delayNext({ ms: 400 });
    const limited = withRateLimit(
      provider({ timeoutMs: 150 }),
      createRateScheduler({ ...postmarkEmailProvider.rateLimit, maxAttempts: 5 }),
    );
    const outcomes = await limited.sendBatch([message(1), message(2), message(3)]);
    for (const outcome of outcomes) {
      expect(!outcome.ok && [outcome.error.kind, outcome.attempts]).toEqual(["outcome_unknown", 1]);
    }
    // The fake finishes the held request: the three were delivered, once, and never asked again.
    await expect.poll(() => fake.messages.length).toBe(3);
    expect(fake.requests).toHaveLength(1);
    expect(fake.ledger.summary()).toMatchObject({ accepted: 3, duplicates: 0 });
  });

  it("refuses to build without a server token", () => {
    expect(() => createPostmarkProvider({ serverToken: "" })).toThrow(/POSTMARK_SERVER_TOKEN/);
  });
});
