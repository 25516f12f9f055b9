import type { WebhookParseResult, WebhookRequest, WebhookVerification } from "./events.js";
import type { EmailMessage, SendOutcome } from "./message.js";

/**
 * The port every email vendor adapter implements. Sends and webhook checks return values, never
 * throw for expected failures (vendor errors, bad signatures, bad payloads).
 */
export interface EmailProvider {
  /** Registry id, the value of `EMAIL_PROVIDER`. */
  readonly id: string;
  /** Most messages one `sendBatch` request carries; larger batches are split by the adapter. */
  readonly maxBatchSize: number;
  /**
   * A resend under an idempotency key the provider already accepted is dropped, not delivered
   * again (Resend, for 24 h). Without it (Postmark) a send whose outcome is unknown is never resent.
   */
  readonly deduplicates: boolean;
  send(message: EmailMessage): Promise<SendOutcome>;
  /** One outcome per message, in input order. */
  sendBatch(messages: EmailMessage[]): Promise<SendOutcome[]>;
  /** Checks a webhook is the provider's own; refuses everything when the secret is unset. */
  verifyWebhook(request: WebhookRequest): WebhookVerification;
  /** Maps a verified webhook body to neutral events. */
  parseWebhook(rawBody: string): WebhookParseResult;
}
