import type { EmailMessage, SendOutcome } from "./message.js";
import type { ProviderError } from "./provider-error.js";

/** Splits `items` into consecutive chunks of at most `size` (the provider's batch limit). */
export function splitIntoBatches<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) {
    throw new Error(`batch size must be a positive integer, got ${size}`);
  }
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}

/** The same failure for `count` messages: a batch call that failed as a whole. */
export function failAll(count: number, error: ProviderError): SendOutcome[] {
  return Array.from({ length: count }, () => ({ ok: false as const, error }));
}

/**
 * A provider's `sendBatch` over its batch limit: chunk by chunk, in order. A retryable failure
 * (rate limit, outage) would hit the next chunks too, so it stops there and reports the rest with
 * the same error for the mailer to retry later.
 */
export async function sendInBatches(
  messages: readonly EmailMessage[],
  size: number,
  sendChunk: (chunk: EmailMessage[]) => Promise<SendOutcome[]>,
): Promise<SendOutcome[]> {
  const outcomes: SendOutcome[] = [];
  for (const chunk of splitIntoBatches(messages, size)) {
    const results = await sendChunk(chunk);
    outcomes.push(...results);
    const failure = results.find((r) => !r.ok);
    if (failure && !failure.ok && failure.error.retryable) {
      outcomes.push(...failAll(messages.length - outcomes.length, failure.error));
      break;
    }
  }
  return outcomes;
}
