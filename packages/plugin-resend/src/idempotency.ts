import { createHash } from "node:crypto";

/** Resend keeps keys of up to 256 characters for 24 hours. */
const MAX_KEY_LENGTH = 256;

function digest(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The key as Resend accepts it: unchanged when short enough, else a stable digest of it. */
export function resendIdempotencyKey(key: string | undefined): string | undefined {
  if (key === undefined || key === "") return undefined;
  return key.length <= MAX_KEY_LENGTH ? key : `sha256:${digest(key)}`;
}

/**
 * One key for a batch request, derived from its messages' keys so a retry of the same chunk
 * replays instead of sending twice. Undefined when any message has no key: a partial key would
 * claim idempotency the batch does not have.
 */
export function batchIdempotencyKey(keys: (string | undefined)[]): string | undefined {
  if (keys.length === 0 || keys.some((k) => k === undefined || k === "")) return undefined;
  return `batch:${digest(keys.join("\n"))}`;
}

/** Resend tag values: ASCII letters, digits, `_` and `-`, up to 256 characters. */
const TAG_VALUE = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * The message's key as a Resend tag value: the key itself when the tag alphabet allows it, else
 * `sha256_` and its digest. A batch request carries one key for all its emails; the tag keeps
 * each email's own key with it, for tracing in webhooks and for counting deliveries per send.
 */
export function idempotencyTag(key: string | undefined): string | undefined {
  if (key === undefined || key === "") return undefined;
  return TAG_VALUE.test(key) ? key : `sha256_${digest(key)}`;
}
