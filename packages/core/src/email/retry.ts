import { setTimeout as sleepFor } from "node:timers/promises";
import type { ProviderError } from "./provider-error.js";

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Backoff before the second attempt; doubles for each further one. */
  baseDelayMs: number;
  /**
   * Longest wait between attempts. A `Retry-After` longer than this ends the loop instead: the
   * error (with its `retryAfterMs`) goes back to the caller, which can reschedule durably.
   */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 };

/**
 * Milliseconds to wait after failed attempt number `attempt` (1-based), or undefined to stop:
 * never earlier than `Retry-After`, otherwise exponential with jitter, and never above the cap.
 */
export function backoffDelayMs(
  attempt: number,
  error: ProviderError,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  random: () => number = Math.random,
): number | undefined {
  if (!error.retryable || attempt >= policy.maxAttempts) return undefined;
  if (error.retryAfterMs !== undefined) {
    if (error.retryAfterMs > policy.maxDelayMs) return undefined;
    // A little jitter on top, so clients told the same Retry-After do not return in lockstep.
    const jitter = Math.floor(
      random() * Math.min(policy.baseDelayMs, policy.maxDelayMs - error.retryAfterMs),
    );
    return error.retryAfterMs + jitter;
  }
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  // "Equal jitter": at least half the exponential delay, so a retry never fires immediately.
  return Math.floor(exponential / 2 + random() * (exponential / 2));
}

type Outcome = { ok: true } | { ok: false; error: ProviderError };

export interface RetryOptions {
  policy?: Partial<RetryPolicy>;
  /** Injected in tests; defaults to a real timer. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Called before each wait, e.g. to log the retry. */
  onRetry?: (info: { attempt: number; delayMs: number; error: ProviderError }) => void;
}

/**
 * Runs a provider call until it succeeds, fails permanently, or the attempts or the delay cap run
 * out; returns the last outcome and how many attempts were made. Never throws for provider
 * failures: they stay values.
 */
export async function retryProviderCall<R extends Outcome>(
  call: (attempt: number) => Promise<R>,
  options: RetryOptions = {},
): Promise<R & { attempts: number }> {
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
  const sleep = options.sleep ?? ((ms: number) => sleepFor(ms));
  for (let attempt = 1; ; attempt++) {
    const outcome = await call(attempt);
    if (outcome.ok) return { ...outcome, attempts: attempt };
    const delayMs = backoffDelayMs(attempt, outcome.error, policy, options.random);
    if (delayMs === undefined) return { ...outcome, attempts: attempt };
    options.onRetry?.({ attempt, delayMs, error: outcome.error });
    await sleep(delayMs);
  }
}
