import { setTimeout as sleepFor } from "node:timers/promises";
import { planBatches } from "./batch.js";
import type { EmailMessage, SendOutcome } from "./message.js";
import type { EmailProvider } from "./provider.js";
import { ProviderError } from "./provider-error.js";

/** A provider account's request limit: a token bucket. */
export interface RateLimit {
  /** Provider calls per second, sustained (fractions allowed). */
  requestsPerSecond: number;
  /** Calls that may start back to back after a quiet spell: the bucket's size. */
  burst: number;
}

export interface RateSchedulerOptions extends RateLimit {
  /** Calls per batch in all, the first included, before its retryable failures are returned (default 5). */
  maxAttempts?: number;
  /** Backoff before the second attempt after a 5xx or timeout; doubles for each further one (default 500). */
  baseDelayMs?: number;
  /**
   * Longest wait inside one `run` (default 30 s). A longer `Retry-After` still pauses the bucket,
   * but the failure goes back to the caller at once, with its `retryAfterMs`, to reschedule durably.
   */
  maxDelayMs?: number;
  /** Injected in tests: a clock in milliseconds (default `Date.now`) and a timer. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Called before each wait, e.g. to log it. `pausedAll`: the wait is a bucket pause every caller shares. */
  onRetry?: (info: { attempt: number; delayMs: number; error: ProviderError; pausedAll: boolean }) => void;
}

/** An outcome and the provider calls it took (0 when it was refused before any call). */
export type ScheduledOutcome = SendOutcome & { attempts: number };

export interface RateScheduler {
  readonly limit: RateLimit;
  /**
   * Sends `messages` as one provider call (`call` gets them, or on a retry the ones still failing
   * retryably) once a token is free, and retries what failed retryably: after a 429 the whole
   * bucket pauses until `Retry-After`, after a 5xx or timeout this call backs off exponentially.
   * Stops at `maxAttempts`. Never retries `rejected` or `outcome_unknown`. Outcomes in input order.
   */
  run(
    messages: readonly EmailMessage[],
    call: (messages: EmailMessage[]) => Promise<SendOutcome[]>,
  ): Promise<ScheduledOutcome[]>;
  /** Milliseconds until calls may start again after a 429 (0 when not paused). */
  pausedForMs(): number;
}

function positive(name: string, value: number, integer = false) {
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new Error(
      `rate scheduler: ${name} must be a positive ${integer ? "integer" : "number"}, got ${value}`,
    );
  }
}

/**
 * A token bucket for one provider account, shared by every caller in the process: each provider
 * call takes a token, waiters are served first come first served, and a 429 pauses the bucket
 * for everyone until its `Retry-After`.
 */
export function createRateScheduler(options: RateSchedulerOptions): RateScheduler {
  const { requestsPerSecond: rate, burst } = options;
  positive("requestsPerSecond", rate);
  positive("burst", burst, true);
  const maxAttempts = options.maxAttempts ?? 5;
  positive("maxAttempts", maxAttempts, true);
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => sleepFor(ms));
  const random = options.random ?? Math.random;

  let tokens = burst;
  let refilledAt = now();
  let pausedUntil = Number.NEGATIVE_INFINITY;
  let pauseCause: ProviderError | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const pause = (ms: number, cause: ProviderError) => {
    const until = now() + ms;
    if (until <= pausedUntil) return;
    pausedUntil = until;
    pauseCause = cause;
    // Resume with one call, then the steady rate: not a burst into a provider that just refused.
    tokens = 0;
    refilledAt = until - 1_000 / rate;
  };

  /** Waits for the pause and a token; a failure instead when the pause outlasts `maxDelayMs`. */
  const takeToken = async (): Promise<ProviderError | undefined> => {
    for (;;) {
      const t = now();
      const paused = pausedUntil - t;
      if (paused > 0) {
        if (paused > maxDelayMs && pauseCause) {
          return new ProviderError({
            provider: pauseCause.provider,
            kind: "rate_limited",
            reason: `sending paused for ${Math.ceil(paused)} ms after: ${pauseCause.reason}`,
            retryAfterMs: Math.ceil(paused),
            ...(pauseCause.providerStatus === undefined ? {} : { providerStatus: pauseCause.providerStatus }),
            ...(pauseCause.providerCode === undefined ? {} : { providerCode: pauseCause.providerCode }),
          });
        }
        await sleep(paused);
        continue;
      }
      if (t > refilledAt) {
        tokens = Math.min(burst, tokens + ((t - refilledAt) * rate) / 1_000);
        refilledAt = t;
      }
      if (tokens >= 1) {
        tokens -= 1;
        return undefined;
      }
      await sleep(Math.ceil(((1 - tokens) * 1_000) / rate));
    }
  };

  /** One token at a time, in arrival order. */
  const acquire = (): Promise<ProviderError | undefined> => {
    const turn = queue.then(takeToken);
    queue = turn.catch(() => undefined);
    return turn;
  };

  /** The wait before retrying `error` after attempt `attempt`, and whether every caller waits. */
  const waitAfter = (attempt: number, error: ProviderError) => {
    if (error.retryAfterMs !== undefined) return { ms: error.retryAfterMs, pausedAll: true };
    const step = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    // "Equal jitter": at least half the step, so callers that failed together spread out.
    const ms = Math.floor(step / 2 + random() * (step / 2));
    return { ms, pausedAll: error.kind === "rate_limited" };
  };

  return {
    limit: { requestsPerSecond: rate, burst },
    pausedForMs: () => Math.max(0, pausedUntil - now()),

    async run(messages, call) {
      const outcomes: ScheduledOutcome[] = new Array(messages.length);
      let pending = messages.map((_, index) => index);
      for (let attempt = 1; pending.length > 0; attempt++) {
        const refused = await acquire();
        if (refused) {
          for (const index of pending) outcomes[index] = { ok: false, error: refused, attempts: attempt - 1 };
          break;
        }
        const results = await call(pending.map((index) => messages[index] as EmailMessage));
        const retry: number[] = [];
        let error: ProviderError | undefined;
        for (const [position, index] of pending.entries()) {
          const result = results[position];
          if (!result) throw new Error(`provider answered ${results.length} outcomes for ${pending.length}`);
          outcomes[index] = { ...result, attempts: attempt };
          if (!result.ok && result.error.retryable) {
            retry.push(index);
            error ??= result.error;
          }
        }
        if (!error || attempt >= maxAttempts) break;
        const wait = waitAfter(attempt, error);
        if (wait.pausedAll) pause(wait.ms, error);
        // Longer than we hold a batch: the failures (with retryAfterMs) go back to the caller.
        if (wait.ms > maxDelayMs) break;
        options.onRetry?.({ attempt, delayMs: wait.ms, error, pausedAll: wait.pausedAll });
        // A pause is waited out in acquire(), together with every other caller.
        if (!wait.pausedAll) await sleep(wait.ms);
        pending = retry;
      }
      return outcomes;
    },
  };
}

/** An EmailProvider whose results say how many provider calls each took. */
export interface RateLimitedProvider extends EmailProvider {
  send(message: EmailMessage): Promise<ScheduledOutcome>;
  sendBatch(messages: EmailMessage[]): Promise<ScheduledOutcome[]>;
}

/**
 * The provider behind a rate scheduler: `sendBatch` refuses invalid messages alone, splits the
 * rest into the provider's batch requests, and runs each request through the scheduler (one
 * token per request, requests of one batch in parallel as tokens allow). Outcomes in input order.
 */
export function withRateLimit(provider: EmailProvider, scheduler: RateScheduler): RateLimitedProvider {
  return {
    id: provider.id,
    maxBatchSize: provider.maxBatchSize,
    deduplicates: provider.deduplicates,
    ...(provider.maxBatchBytes === undefined ? {} : { maxBatchBytes: provider.maxBatchBytes }),
    validate: (message) => provider.validate(message),
    verifyWebhook: (request) => provider.verifyWebhook(request),
    parseWebhook: (rawBody) => provider.parseWebhook(rawBody),

    async send(message) {
      const invalid = provider.validate(message);
      if (invalid) return { ok: false, error: invalid, attempts: 0 };
      const [outcome] = await scheduler.run([message], async ([only]) => [
        await provider.send(only as EmailMessage),
      ]);
      if (!outcome) throw new Error("the scheduler answered no outcome");
      return outcome;
    },

    async sendBatch(messages) {
      const plan = planBatches(messages, provider);
      const outcomes: ScheduledOutcome[] = new Array(messages.length);
      for (const [index, error] of plan.invalid) outcomes[index] = { ok: false, error, attempts: 0 };
      await Promise.all(
        plan.chunks.map(async (chunk) => {
          const results = await scheduler.run(
            chunk.map((index) => messages[index] as EmailMessage),
            (retried) => provider.sendBatch(retried),
          );
          for (const [position, index] of chunk.entries())
            outcomes[index] = results[position] as ScheduledOutcome;
        }),
      );
      return outcomes;
    },
  };
}
