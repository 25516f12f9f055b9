import { createHash } from "node:crypto";
import { createRateScheduler, type EmailMessage, retryProviderCall, withRateLimit } from "@hogsend/core";
import { type FakeResend, startFakeResend } from "@hogsend/devstack/fakes";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createResendProvider } from "./create-resend-provider.js";
import { resendEmailProvider } from "./descriptor.js";

const API_KEY = "re_test_0123456789";
let fake: FakeResend;

beforeAll(async () => {
  fake = await startFakeResend({ apiKey: API_KEY });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const provider = (timeoutMs = 2_000) =>
  createResendProvider({ apiKey: API_KEY, baseUrl: fake.url, timeoutMs });

/** The n-th request the fake received; throws when there is none. */
function requestAt(index: number) {
  const request = fake.requests[index];
  if (!request) throw new Error(`expected a request #${index}, got ${fake.requests.length}`);
  return request;
}

const unsubscribeUrl = "https://api.example.com/v1/email/unsubscribe?token=tok_abc";

/** The `idempotency_key` tag of a key outside Resend's tag alphabet. */
const keyTag = (key: string) => `sha256_${createHash("sha256").update(key).digest("hex")}`;

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

describe("resend send", () => {
  it("sends one email through the SDK with auth, headers, tags and the idempotency key", async () => {
    const outcome = await provider().send(message());

    expect(fake.requests).toHaveLength(1);
    const request = requestAt(0);
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/emails");
    expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["idempotency-key"]).toBe("journey/welcome/user1/step-1");
    expect(request.body).toEqual({
      from: "Acme <hello@mail.example.com>",
      to: "user1@example.com",
      subject: "Welcome 1",
      html: "<p>Hello 1</p>",
      text: "Hello 1",
      reply_to: "support@example.com",
      headers: {
        "List-Unsubscribe": `<${unsubscribeUrl}>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      },
      tags: [
        { name: "send_id", value: "snd_1" },
        { name: "category", value: "welcome" },
        { name: "idempotency_key", value: keyTag("journey/welcome/user1/step-1") },
      ],
    });
    expect(outcome).toEqual({ ok: true, providerMessageId: fake.emails[0]?.id });
    expect(fake.ledger.byKey.get(keyTag("journey/welcome/user1/step-1"))).toEqual([fake.emails[0]?.id]);
  });

  it("replays a retried send with the same key instead of sending twice", async () => {
    const first = await provider().send(message());
    const second = await provider().send(message());
    expect(fake.requests).toHaveLength(2);
    expect(fake.emails).toHaveLength(1);
    expect(second).toEqual(first);
  });

  it("shortens over-long idempotency keys to a stable digest and sanitizes tags", async () => {
    const longKey = `k/${"x".repeat(300)}`;
    await provider().send(message(1, { idempotencyKey: longKey, metadata: { "send id": "a b@c" } }));
    await provider().send(message(1, { idempotencyKey: longKey, metadata: { "send id": "a b@c" } }));
    const [first, second] = [requestAt(0), requestAt(1)];
    expect(first.headers["idempotency-key"]).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(second.headers["idempotency-key"]).toBe(first.headers["idempotency-key"]);
    expect((first.body as { tags: unknown }).tags).toEqual([
      { name: "send_id", value: "a_b_c" },
      { name: "category", value: "welcome" },
      { name: "idempotency_key", value: keyTag(longKey) },
    ]);
    // A key already in the tag alphabet is its own tag.
    await provider().send(message(2, { idempotencyKey: "hogsend-send-0193" }));
    expect((requestAt(2).body as { tags: unknown[] }).tags).toContainEqual({
      name: "idempotency_key",
      value: "hogsend-send-0193",
    });
  });

  it("omits the idempotency header and optional fields when the message has none", async () => {
    const bare: EmailMessage = {
      from: "a@example.com",
      to: "b@example.com",
      subject: "Hi",
      html: "<p>Hi</p>",
    };
    const outcome = await provider().send(bare);
    expect(outcome.ok).toBe(true);
    expect(requestAt(0).headers["idempotency-key"]).toBeUndefined();
    expect(requestAt(0).body).toEqual({
      from: "a@example.com",
      to: "b@example.com",
      subject: "Hi",
      html: "<p>Hi</p>",
    });
  });
});

describe("resend batch", () => {
  it("splits 250 messages into 100/100/50 batch requests and maps ids in order", async () => {
    const messages = Array.from({ length: 250 }, (_, i) => message(i));
    const outcomes = await provider().sendBatch(messages);

    expect(fake.requests.map((r) => [r.method, r.path, (r.body as unknown[]).length])).toEqual([
      ["POST", "/emails/batch", 100],
      ["POST", "/emails/batch", 100],
      ["POST", "/emails/batch", 50],
    ]);
    for (const request of fake.requests) {
      expect(request.headers["x-batch-validation"]).toBe("strict");
      expect(request.headers["idempotency-key"]).toMatch(/^batch:[0-9a-f]{64}$/);
      for (const email of request.body as { headers: Record<string, string> }[]) {
        expect(email.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
      }
    }
    expect(new Set(fake.requests.map((r) => r.headers["idempotency-key"])).size).toBe(3);
    expect((requestAt(2).body as { to: string }[])[0]?.to).toBe("user200@example.com");
    expect(outcomes).toHaveLength(250);
    expect(outcomes.map((o) => (o.ok ? o.providerMessageId : "failed"))).toEqual(
      fake.emails.map((e) => e.id),
    );
    expect(fake.emails.map((e) => e.payload.to)).toEqual(messages.map((m) => m.to));
  });

  it("replays a retried chunk (same keys → same batch key) and sends no key when one is missing", async () => {
    const messages = [message(1), message(2), message(3)];
    const first = await provider().sendBatch(messages);
    const again = await provider().sendBatch(messages);
    expect(again).toEqual(first);
    expect(fake.emails).toHaveLength(3);

    fake.reset();
    await provider().sendBatch([message(1), message(2, { idempotencyKey: undefined })]);
    expect(requestAt(0).headers["idempotency-key"]).toBeUndefined();
  });

  it("stops after a rate-limited chunk and reports the rest as rate limited", async () => {
    fake.failNext({ status: 429, retryAfterSeconds: 3, after: 1 });
    const outcomes = await provider().sendBatch(Array.from({ length: 250 }, (_, i) => message(i)));
    expect(fake.requests).toHaveLength(2);
    expect(outcomes.slice(0, 100).every((o) => o.ok)).toBe(true);
    const rest = outcomes.slice(100);
    expect(rest).toHaveLength(150);
    for (const o of rest) {
      expect(o.ok).toBe(false);
      if (!o.ok) expect([o.error.kind, o.error.retryAfterMs]).toEqual(["rate_limited", 3_000]);
    }
  });

  it("sends the same 250 again with the same three batch keys, and Resend replays instead of sending twice", async () => {
    const messages = Array.from({ length: 250 }, (_, i) => message(i));
    const first = await provider().sendBatch(messages);
    const keys = fake.requests.map((r) => r.headers["idempotency-key"]);
    const again = await provider().sendBatch(messages);
    expect(fake.requests.map((r) => r.headers["idempotency-key"])).toEqual([...keys, ...keys]);
    expect(again).toEqual(first);
    expect(fake.ledger.summary()).toEqual({ accepted: 250, keys: 250, unkeyed: 0, duplicates: 0 });
  });

  it("refuses a bad address alone and sends the rest of its chunk in one strict batch", async () => {
    const messages = [
      ...Array.from({ length: 50 }, (_, i) => message(i)),
      message(50, { to: "not-an-address" }),
      message(51, { subject: "" }),
      ...Array.from({ length: 60 }, (_, i) => message(52 + i)),
    ];
    const outcomes = await provider().sendBatch(messages);
    // 110 valid emails: 100 + 10, neither request carrying an invalid one.
    expect(fake.requests.map((r) => (r.body as unknown[]).length)).toEqual([100, 10]);
    expect(fake.emails.map((e) => e.payload.to)).not.toContain("not-an-address");
    expect(outcomes).toHaveLength(112);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(110);
    expect(
      outcomes.slice(50, 52).map((o) => !o.ok && [o.error.kind, o.error.providerCode, o.error.reason]),
    ).toEqual([
      [
        "rejected",
        "invalid_message",
        'invalid message: `to` is not one valid email address ("not-an-address")',
      ],
      ["rejected", "invalid_message", "invalid message: `subject` is empty"],
    ]);
    expect(outcomes[52]).toEqual({ ok: true, providerMessageId: fake.emails[50]?.id });
  });

  it("refuses an invalid single send without calling Resend", async () => {
    const outcome = await provider().send(message(1, { replyTo: "support@" }));
    expect(!outcome.ok && [outcome.error.kind, outcome.error.retryable]).toEqual(["rejected", false]);
    expect(fake.requests).toHaveLength(0);
  });
});

describe("resend behind the rate scheduler", () => {
  it("rides out a 429 storm honouring Retry-After, one batch key throughout, each email accepted once", async () => {
    fake.failNext({ status: 429, times: 3, retryAfterSeconds: 2 });
    let clock = 0;
    const waits: number[] = [];
    const scheduler = createRateScheduler({
      requestsPerSecond: 5,
      burst: 1,
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    });
    const limited = withRateLimit(provider(), scheduler);
    const messages = Array.from({ length: 80 }, (_, i) => message(i));
    const outcomes = await limited.sendBatch(messages);

    expect(fake.stats()).toMatchObject({ requests: 4, byStatus: { 429: 3, 200: 1 } });
    // Each 429 paused the bucket for its full Retry-After before the next attempt.
    expect(waits).toEqual([2_000, 2_000, 2_000]);
    expect(new Set(fake.requests.map((r) => r.headers["idempotency-key"])).size).toBe(1);
    expect(outcomes.every((o) => o.ok && o.attempts === 4)).toBe(true);
    expect(fake.ledger.summary()).toEqual({ accepted: 80, keys: 80, unkeyed: 0, duplicates: 0 });
  });

  it("stays within Resend's 5 requests/s with the descriptor's default, and recovers when set too fast", async () => {
    const limitedFake = await startFakeResend({ apiKey: API_KEY, limit: "resend", record: false });
    try {
      const client = createResendProvider({ apiKey: API_KEY, baseUrl: limitedFake.url, timeoutMs: 2_000 });
      const messages = Array.from({ length: 600 }, (_, i) => message(i));
      const paced = withRateLimit(client, createRateScheduler(resendEmailProvider.rateLimit));
      expect((await paced.sendBatch(messages)).every((o) => o.ok)).toBe(true);
      expect(limitedFake.stats()).toMatchObject({ requests: 6, rateLimited: 0, accepted: 600 });

      limitedFake.reset();
      // Twice the allowed rate: the fake answers 429 with Retry-After, the bucket pauses, all arrive once.
      const hasty = withRateLimit(client, createRateScheduler({ requestsPerSecond: 10, burst: 10 }));
      const outcomes = await hasty.sendBatch(Array.from({ length: 1_200 }, (_, i) => message(i)));
      expect(outcomes.every((o) => o.ok)).toBe(true);
      const stats = limitedFake.stats();
      expect(stats.rateLimited).toBeGreaterThan(0);
      expect(stats).toMatchObject({ accepted: 1_200, keys: 1_200, duplicates: 0 });
      expect(limitedFake.requests).toHaveLength(0);
    } finally {
      await limitedFake.close();
    }
  });
});

describe("resend error classification", () => {
  it("429 with Retry-After is rate_limited and retryable", async () => {
    fake.failNext({ status: 429, retryAfterSeconds: 2 });
    const outcome = await provider().send(message());
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error).toMatchObject({
      kind: "rate_limited",
      providerStatus: 429,
      providerCode: "rate_limit_exceeded",
      retryAfterMs: 2_000,
      retryable: true,
    });
  });

  it("500 is unavailable and retryable", async () => {
    fake.failNext({ status: 500 });
    const outcome = await provider().send(message());
    expect(
      !outcome.ok && [outcome.error.kind, outcome.error.providerStatus, outcome.error.retryable],
    ).toEqual(["unavailable", 500, true]);
  });

  it("no answer within the timeout is a timeout", async () => {
    fake.delayNext({ ms: 3_000 });
    const started = performance.now();
    const outcome = await provider(200).send(message());
    expect(performance.now() - started).toBeLessThan(2_500);
    expect(!outcome.ok && [outcome.error.kind, outcome.error.retryable]).toEqual(["timeout", true]);
  });

  it("422 is a permanent rejection with the provider's reason", async () => {
    fake.failNext({
      status: 422,
      body: { statusCode: 422, name: "validation_error", message: "Invalid `from` domain." },
    });
    const outcome = await provider().send(message(1));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error).toMatchObject({ kind: "rejected", providerStatus: 422, retryable: false });
    expect(outcome.error.reason).toBe("Invalid `from` domain.");
  });

  it("no answer for a request without an idempotency key is outcome_unknown, never retried", async () => {
    fake.delayNext({ ms: 1_000 });
    const outcome = await provider(200).send(message(1, { idempotencyKey: undefined }));
    expect(!outcome.ok && [outcome.error.kind, outcome.error.retryable]).toEqual(["outcome_unknown", false]);
  });

  it("a wrong API key is rejected, not retried", async () => {
    const wrong = createResendProvider({ apiKey: "re_wrong", baseUrl: fake.url });
    const outcome = await wrong.send(message());
    expect(!outcome.ok && [outcome.error.kind, outcome.error.providerStatus, outcome.error.code]).toEqual([
      "rejected",
      403,
      "INTERNAL",
    ]);
  });

  it("a refused connection is unavailable", async () => {
    const closed = await startFakeResend();
    const url = closed.url;
    await closed.close();
    const outcome = await createResendProvider({ apiKey: API_KEY, baseUrl: url }).send(message());
    expect(!outcome.ok && [outcome.error.kind, outcome.error.providerStatus]).toEqual([
      "unavailable",
      undefined,
    ]);
  });

  it("retryProviderCall waits out Retry-After and resends with the same idempotency key", async () => {
    fake.failNext({ status: 429, retryAfterSeconds: 1 });
    const slept: number[] = [];
    const result = await retryProviderCall(() => provider().send(message()), {
      sleep: async (ms) => void slept.push(ms),
    });
    expect(result.ok).toBe(true);
    expect(result.attempts).toBe(2);
    expect(slept[0]).toBeGreaterThanOrEqual(1_000);
    expect(fake.requests.map((r) => r.headers["idempotency-key"])).toEqual([
      "journey/welcome/user1/step-1",
      "journey/welcome/user1/step-1",
    ]);
    expect(fake.emails).toHaveLength(1);
  });

  it("refuses to build without an API key instead of reading the environment", () => {
    expect(() => createResendProvider({ apiKey: "" })).toThrow(/RESEND_API_KEY/);
  });
});
