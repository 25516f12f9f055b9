import { describe, expect, it } from "vitest";
import type { EmailMessage, SendOutcome } from "./message.js";
import type { EmailProvider } from "./provider.js";
import { ProviderError, type ProviderErrorKind } from "./provider-error.js";
import { createRateScheduler, type RateSchedulerOptions, withRateLimit } from "./rate-scheduler.js";
import { validateMessage } from "./validate-message.js";

/**
 * Virtual time: `sleep` registers a timer, and `settle` advances the clock to the next timer only
 * when nothing else can run, so every start time below is exact and no test really waits.
 */
function virtualTime() {
  let now = 0;
  let seq = 0;
  const timers: { at: number; seq: number; resolve: () => void }[] = [];
  const idle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    now: () => now,
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        timers.push({ at: now + ms, seq: seq++, resolve });
      }),
    /** Runs until `work` settles, moving the clock from timer to timer. */
    async settle<T>(work: Promise<T>): Promise<T> {
      let done = false;
      const settled = work.finally(() => {
        done = true;
      });
      for (;;) {
        await idle();
        if (done) return settled;
        timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
        const next = timers.shift();
        if (!next) throw new Error("nothing left to run, but the work has not settled");
        now = Math.max(now, next.at);
        next.resolve();
      }
    },
  };
}

const message = (n: number, overrides: Partial<EmailMessage> = {}): EmailMessage => ({
  from: "hello@acme.com",
  to: `user${n}@example.com`,
  subject: `S${n}`,
  html: "<p>x</p>",
  idempotencyKey: `k${n}`,
  ...overrides,
});

const failure = (kind: ProviderErrorKind, retryAfterMs?: number) =>
  new ProviderError({
    provider: "test",
    kind,
    reason: kind,
    ...(kind === "rate_limited" ? { providerStatus: 429 } : {}),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });

/** A provider call that records when it started and answers from a script (default: accept all). */
function scriptedCalls(time: { now(): number }, script: ((chunk: EmailMessage[]) => SendOutcome[])[] = []) {
  const starts: [string, number][] = [];
  const call =
    (label: string) =>
    async (chunk: EmailMessage[]): Promise<SendOutcome[]> => {
      starts.push([label, time.now()]);
      const next = script.shift();
      return next ? next(chunk) : chunk.map((m) => ({ ok: true, providerMessageId: `id-${m.to}` }));
    };
  return { starts, call };
}

const failAllWith = (error: ProviderError) => (chunk: EmailMessage[]) =>
  chunk.map(() => ({ ok: false as const, error }));

function scheduler(time: ReturnType<typeof virtualTime>, options: Partial<RateSchedulerOptions> = {}) {
  return createRateScheduler({
    requestsPerSecond: 5,
    burst: 2,
    now: time.now,
    sleep: time.sleep,
    random: () => 0,
    ...options,
  });
}

describe("rate scheduler: tokens", () => {
  it("lets a burst start at once, then one call per 1/rate, first come first served", async () => {
    const time = virtualTime();
    const limiter = scheduler(time);
    const { starts, call } = scriptedCalls(time);
    await time.settle(
      Promise.all(["a", "b", "c", "d", "e", "f"].map((label, i) => limiter.run([message(i)], call(label)))),
    );
    expect(starts).toEqual([
      ["a", 0],
      ["b", 0],
      ["c", 200],
      ["d", 400],
      ["e", 600],
      ["f", 800],
    ]);
  });

  it("refills up to the burst only during a quiet spell, and takes one token per call however many messages", async () => {
    const time = virtualTime();
    const limiter = scheduler(time);
    const { starts, call } = scriptedCalls(time);
    await time.settle(limiter.run([message(1)], call("warm")));
    await time.settle(time.sleep(10_000));
    const batch = Array.from({ length: 100 }, (_, i) => message(i));
    await time.settle(Promise.all(["a", "b", "c"].map((label) => limiter.run(batch, call(label)))));
    expect(starts).toEqual([
      ["warm", 0],
      ["a", 10_000],
      ["b", 10_000],
      ["c", 10_200],
    ]);
  });

  it("refuses nonsense settings", () => {
    expect(() => createRateScheduler({ requestsPerSecond: 0, burst: 1 })).toThrow(/requestsPerSecond/);
    expect(() => createRateScheduler({ requestsPerSecond: 5, burst: 1.5 })).toThrow(/burst/);
    expect(() => createRateScheduler({ requestsPerSecond: 5, burst: 1, maxAttempts: 0 })).toThrow(
      /maxAttempts/,
    );
  });
});

describe("rate scheduler: failures", () => {
  it("pauses every caller until Retry-After on a 429, then resumes at the steady rate", async () => {
    const time = virtualTime();
    const limiter = scheduler(time, { burst: 5 });
    const { starts, call } = scriptedCalls(time, [failAllWith(failure("rate_limited", 2_000))]);
    const first = limiter.run([message(1)], call("a"));
    const others = (async () => {
      await time.sleep(100);
      expect(limiter.pausedForMs()).toBe(1_900);
      return Promise.all([limiter.run([message(2)], call("b")), limiter.run([message(3)], call("c"))]);
    })();
    const [outcomes] = await time.settle(Promise.all([first, others]));
    // Tokens were left (burst 5), yet nobody started during the pause; after it, one call per 200 ms.
    expect(starts).toEqual([
      ["a", 0],
      ["a", 2_000],
      ["b", 2_200],
      ["c", 2_400],
    ]);
    expect(outcomes).toEqual([{ ok: true, providerMessageId: "id-user1@example.com", attempts: 2 }]);
    expect(limiter.pausedForMs()).toBe(0);
  });

  it("rides out a 429 storm honouring each Retry-After, within the attempt cap", async () => {
    const time = virtualTime();
    const limiter = scheduler(time);
    const storm = [1_000, 1_000, 3_000].map((ms) => failAllWith(failure("rate_limited", ms)));
    const { starts, call } = scriptedCalls(time, storm);
    const retries: [number, number, boolean][] = [];
    const outcomes = await time.settle(
      createRateScheduler({
        requestsPerSecond: 5,
        burst: 2,
        now: time.now,
        sleep: time.sleep,
        onRetry: ({ attempt, delayMs, pausedAll }) => retries.push([attempt, delayMs, pausedAll]),
      }).run([message(1), message(2)], call("batch")),
    );
    expect(starts.map(([, at]) => at)).toEqual([0, 1_000, 2_000, 5_000]);
    expect(retries).toEqual([
      [1, 1_000, true],
      [2, 1_000, true],
      [3, 3_000, true],
    ]);
    expect(outcomes.map((o) => [o.ok, o.attempts])).toEqual([
      [true, 4],
      [true, 4],
    ]);
    expect(limiter.pausedForMs()).toBe(0);
  });

  it("backs off exponentially on 5xx and timeouts for that call only, other callers keep going", async () => {
    const time = virtualTime();
    const limiter = scheduler(time, { burst: 5, baseDelayMs: 500 });
    const { starts, call } = scriptedCalls(time, [
      failAllWith(failure("unavailable")),
      failAllWith(failure("timeout")),
    ]);
    await time.settle(
      Promise.all([
        limiter.run([message(1)], call("a")),
        (async () => {
          await time.sleep(300);
          return limiter.run([message(2)], call("b"));
        })(),
      ]),
    );
    // random() = 0 takes the low end of equal jitter: half of 500, then half of 1000.
    expect(starts).toEqual([
      ["a", 0],
      ["a", 250],
      ["b", 300],
      ["a", 750],
    ]);
  });

  it("caps attempts and returns the last classified failure for every message", async () => {
    const time = virtualTime();
    const limiter = scheduler(time, { maxAttempts: 3 });
    const down = failAllWith(failure("unavailable"));
    const { starts, call } = scriptedCalls(time, [down, down, down, down]);
    const outcomes = await time.settle(limiter.run([message(1), message(2)], call("a")));
    expect(starts).toHaveLength(3);
    for (const outcome of outcomes) {
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect([outcome.error.kind, outcome.attempts]).toEqual(["unavailable", 3]);
    }
  });

  it.each(["rejected", "outcome_unknown"] as const)("never retries %s", async (kind) => {
    const time = virtualTime();
    const limiter = scheduler(time);
    const { starts, call } = scriptedCalls(time, [failAllWith(failure(kind))]);
    const [outcome] = await time.settle(limiter.run([message(1)], call("a")));
    expect(starts).toHaveLength(1);
    expect(!outcome?.ok && [outcome?.error.kind, outcome?.attempts]).toEqual([kind, 1]);
  });

  it("retries only the messages that failed retryably, keeping input order", async () => {
    const time = virtualTime();
    const limiter = scheduler(time);
    const calls: string[][] = [];
    const outcomes = await time.settle(
      limiter.run([message(1), message(2), message(3)], async (chunk) => {
        calls.push(chunk.map((m) => m.to));
        return chunk.map((m, i): SendOutcome => {
          if (calls.length === 1 && i === 1) return { ok: false, error: failure("unavailable") };
          if (calls.length === 1 && i === 2) return { ok: false, error: failure("rejected") };
          return { ok: true, providerMessageId: `id-${m.to}-${calls.length}` };
        });
      }),
    );
    expect(calls).toEqual([
      ["user1@example.com", "user2@example.com", "user3@example.com"],
      ["user2@example.com"],
    ]);
    expect(
      outcomes.map((o) => (o.ok ? [o.providerMessageId, o.attempts] : [o.error.kind, o.attempts])),
    ).toEqual([
      ["id-user1@example.com-1", 1],
      ["id-user2@example.com-2", 2],
      ["rejected", 1],
    ]);
  });

  it("hands a Retry-After longer than maxDelayMs back at once, and refuses other callers while paused", async () => {
    const time = virtualTime();
    const limiter = scheduler(time, { maxDelayMs: 30_000 });
    const { starts, call } = scriptedCalls(time, [failAllWith(failure("rate_limited", 3_600_000))]);
    const [first] = await time.settle(limiter.run([message(1)], call("a")));
    expect(!first?.ok && [first?.error.kind, first?.error.retryAfterMs, first?.attempts]).toEqual([
      "rate_limited",
      3_600_000,
      1,
    ]);
    await time.settle(time.sleep(1_000));
    const [second] = await time.settle(limiter.run([message(2)], call("b")));
    expect(starts).toEqual([["a", 0]]);
    expect(!second?.ok && second?.error).toMatchObject({
      kind: "rate_limited",
      provider: "test",
      providerStatus: 429,
      retryAfterMs: 3_599_000,
    });
    expect(second?.attempts).toBe(0);
    expect(limiter.pausedForMs()).toBe(3_599_000);
  });
});

describe("withRateLimit", () => {
  function fakeProvider(time: { now(): number }) {
    const calls: [number, number][] = [];
    const provider: EmailProvider = {
      id: "test",
      maxBatchSize: 100,
      deduplicates: true,
      validate: (m) => validateMessage(m, { provider: "test", maxMessageBytes: 1_000 }),
      send: async (m) => {
        calls.push([time.now(), 1]);
        return { ok: true, providerMessageId: `id-${m.to}` };
      },
      sendBatch: async (messages) => {
        calls.push([time.now(), messages.length]);
        return messages.map((m) => ({ ok: true, providerMessageId: `id-${m.to}` }));
      },
      verifyWebhook: () => ({ ok: false, reason: "none" }),
      parseWebhook: () => ({ ok: true, events: [], ignored: [] }),
    };
    return { provider, calls };
  }

  it("splits a batch into provider requests, one token each, refusing invalid messages without a call", async () => {
    const time = virtualTime();
    const { provider, calls } = fakeProvider(time);
    const limited = withRateLimit(provider, scheduler(time, { burst: 1 }));
    const messages = Array.from({ length: 251 }, (_, i) => message(i, i === 5 ? { to: "bad" } : {}));
    const outcomes = await time.settle(limited.sendBatch(messages));
    expect(calls).toEqual([
      [0, 100],
      [200, 100],
      [400, 50],
    ]);
    expect(outcomes).toHaveLength(251);
    expect(outcomes[5]).toMatchObject({ ok: false, attempts: 0, error: { providerCode: "invalid_message" } });
    expect(outcomes[250]).toEqual({ ok: true, providerMessageId: "id-user250@example.com", attempts: 1 });
    expect(outcomes.filter((o) => o.ok)).toHaveLength(250);

    const single = await time.settle(limited.send(message(1, { subject: "" })));
    expect(single).toMatchObject({ ok: false, attempts: 0 });
    expect(await time.settle(limited.send(message(2)))).toEqual({
      ok: true,
      providerMessageId: "id-user2@example.com",
      attempts: 1,
    });
    expect(calls).toHaveLength(4);
    expect(limited.id).toBe("test");
    expect(limited.maxBatchSize).toBe(100);
  });
});
