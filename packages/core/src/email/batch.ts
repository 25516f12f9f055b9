import type { EmailMessage, SendOutcome } from "./message.js";
import type { EmailProvider } from "./provider.js";
import type { ProviderError } from "./provider-error.js";
import { messageBytes } from "./validate-message.js";

/** What splitting a batch needs to know about the provider. */
export type BatchLimits = Pick<EmailProvider, "maxBatchSize" | "maxBatchBytes" | "validate">;

/** How a list of messages goes out: which are refused up front, and which share each provider call. */
export interface BatchPlan {
  /** Indices into the input, one array per provider call, in input order. */
  chunks: number[][];
  /** Indices refused by validation, each with its own permanent error. */
  invalid: Map<number, ProviderError>;
}

/**
 * Validates every message and groups the valid ones into consecutive provider calls of at most
 * `maxBatchSize` messages and `maxBatchBytes` bytes. A message too big for a batch of its own
 * still gets one: the provider's answer then says why.
 */
export function planBatches(messages: readonly EmailMessage[], limits: BatchLimits): BatchPlan {
  if (!Number.isInteger(limits.maxBatchSize) || limits.maxBatchSize < 1) {
    throw new Error(`batch size must be a positive integer, got ${limits.maxBatchSize}`);
  }
  const invalid = new Map<number, ProviderError>();
  const chunks: number[][] = [];
  let chunk: number[] = [];
  let chunkBytes = 0;
  for (const [index, message] of messages.entries()) {
    const error = limits.validate(message);
    if (error) {
      invalid.set(index, error);
      continue;
    }
    const size = limits.maxBatchBytes === undefined ? 0 : messageBytes(message);
    const full =
      chunk.length >= limits.maxBatchSize ||
      (limits.maxBatchBytes !== undefined && chunk.length > 0 && chunkBytes + size > limits.maxBatchBytes);
    if (full) {
      chunks.push(chunk);
      chunk = [];
      chunkBytes = 0;
    }
    chunk.push(index);
    chunkBytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return { chunks, invalid };
}

/** The same failure for `count` messages: a batch call that failed as a whole. */
export function failAll(count: number, error: ProviderError): SendOutcome[] {
  return Array.from({ length: count }, () => ({ ok: false as const, error }));
}

/**
 * A provider's `sendBatch` without a scheduler: invalid messages are refused alone, the rest go
 * out call by call in order. A retryable failure (rate limit, outage) would hit the next calls
 * too, so it stops there and reports the rest with the same error for the caller to retry later.
 * Outcomes come back in input order.
 */
export async function sendInBatches(
  messages: readonly EmailMessage[],
  limits: BatchLimits,
  sendChunk: (chunk: EmailMessage[]) => Promise<SendOutcome[]>,
): Promise<SendOutcome[]> {
  const plan = planBatches(messages, limits);
  const outcomes: SendOutcome[] = new Array(messages.length);
  for (const [index, error] of plan.invalid) outcomes[index] = { ok: false, error };
  let stoppedBy: ProviderError | undefined;
  for (const chunk of plan.chunks) {
    if (stoppedBy) {
      for (const index of chunk) outcomes[index] = { ok: false, error: stoppedBy };
      continue;
    }
    const results = await sendChunk(chunk.map((index) => messages[index] as EmailMessage));
    for (const [position, index] of chunk.entries()) {
      const result = results[position];
      if (!result)
        throw new Error(`sendChunk answered ${results.length} outcomes for ${chunk.length} messages`);
      outcomes[index] = result;
      if (!result.ok && result.error.retryable) stoppedBy ??= result.error;
    }
  }
  return outcomes;
}
