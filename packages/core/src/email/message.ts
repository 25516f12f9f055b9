import type { ProviderError } from "./provider-error.js";

/**
 * One email to one recipient, as the mailer hands it to a provider. Lifecycle email goes to one
 * person at a time, so a single `to` keeps webhook events unambiguous about who bounced.
 */
export interface EmailMessage {
  /** `"Acme <hello@acme.com>"` or a bare address. */
  from: string;
  to: string;
  subject: string;
  html: string;
  text?: string;
  replyTo?: string;
  /** Extra MIME headers, e.g. `List-Unsubscribe` and `List-Unsubscribe-Post`. */
  headers?: Record<string, string>;
  /** One grouping label (template or journey id): Postmark's `Tag`, a Resend tag named `category`. */
  category?: string;
  /** Small key/values echoed back in webhooks (Resend tags, Postmark `Metadata`), e.g. `send_id`. */
  metadata?: Record<string, string>;
  /**
   * Stable per logical send: a retry of the same send carries the same key. Resend honours it
   * (`Idempotency-Key`); providers without idempotency record it as metadata for tracing.
   */
  idempotencyKey?: string;
  /** Provider stream override (Postmark message streams); others ignore it. */
  messageStream?: string;
}

/** What a provider returns for an accepted message. */
export interface SendResult {
  providerMessageId: string;
}

/** A send's outcome as a value: accepted, or a classified failure the mailer retries or records. */
export type SendOutcome = ({ ok: true } & SendResult) | { ok: false; error: ProviderError };
