import type { WebhookParseResult, WebhookRequest, WebhookVerification } from "./events.js";
import type { EmailMessage, SendOutcome } from "./message.js";
import type { ProviderError } from "./provider-error.js";

/**
 * The port every email vendor adapter implements. Sends and webhook checks return values, never
 * throw for expected failures (vendor errors, bad signatures, bad payloads).
 */
export interface EmailProvider {
  /** Registry id, the value of `EMAIL_PROVIDER`. */
  readonly id: string;
  /** Most messages one batch request carries; larger batches are split by the adapter. */
  readonly maxBatchSize: number;
  /**
   * A resend under an idempotency key the provider already accepted is dropped, not delivered
   * again (Resend, for 24 h). Without it (Postmark) a send whose outcome is unknown is never resent.
   */
  readonly deduplicates: boolean;
  /** Most bytes one batch request carries (`messageBytes` summed), where the provider caps it. */
  readonly maxBatchBytes?: number;
  /**
   * The permanent error this message would get for being malformed (addresses, empty subject or
   * body, header names, size), checked locally; undefined when it may be sent. `send` and
   * `sendBatch` refuse such a message alone without sending it.
   */
  validate(message: EmailMessage): ProviderError | undefined;
  send(message: EmailMessage): Promise<SendOutcome>;
  /**
   * One outcome per message, in input order. Invalid messages are refused alone; the valid ones
   * go out in requests of at most `maxBatchSize` (and `maxBatchBytes`), one request per chunk.
   */
  sendBatch(messages: EmailMessage[]): Promise<SendOutcome[]>;
  /** Checks a webhook is the provider's own; refuses everything when the secret is unset. */
  verifyWebhook(request: WebhookRequest): WebhookVerification;
  /** Maps a verified webhook body to neutral events. */
  parseWebhook(rawBody: string): WebhookParseResult;
}
