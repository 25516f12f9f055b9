/** Provider-neutral delivery and engagement events parsed from provider webhooks. */
export type NeutralEmailEventType =
  | "sent"
  | "delivered"
  | "delivery_delayed"
  | "bounced"
  | "complained"
  | "opened"
  | "clicked"
  | "unsubscribed"
  | "failed";

export interface NeutralEmailEvent {
  type: NeutralEmailEventType;
  /** The provider id (`resend`, `postmark`). */
  provider: string;
  /** The provider's own event name (`email.bounced`, `Bounce`), kept for logs and audits. */
  providerEventType: string;
  /** The id the provider returned from the send (`SendResult.providerMessageId`). */
  providerMessageId: string;
  recipient: string;
  occurredAt: Date;
  /**
   * Set on `bounced`: `permanent` bounces suppress the address; transient ones are only recorded.
   * `providerType` is the provider's classification (`Permanent`, `HardBounce`, `SoftBounce`, …).
   */
  bounce?: { permanent: boolean; reason: string; providerType: string };
  /** Set on `failed`: why the provider gave up on the message. */
  failureReason?: string;
  /** Set on `clicked`: the link. */
  url?: string;
  /** The grouping label sent as `EmailMessage.category`, when the provider echoes it. */
  category?: string;
  /** The metadata sent with the message, as echoed back (may carry `send_id`). */
  metadata: Record<string, string>;
}

/** What a webhook route hands a provider to verify: the headers and the body exactly as received. */
export interface WebhookRequest {
  headers: Headers;
  rawBody: string;
}

/** Verification as a value; `reason` is safe to return in a 401 (it never echoes secrets). */
export type WebhookVerification = { ok: true } | { ok: false; reason: string };

/** A failing field of a webhook body, named the way the 400 envelope names fields. */
export interface WebhookFieldIssue {
  field: string;
  message: string;
}

/**
 * Parsing as a value: the events, plus why any record was ignored (event types Hogsend does not
 * track); or the failing fields when the body is not a valid payload (a 400, nothing stored).
 */
export type WebhookParseResult =
  | { ok: true; events: NeutralEmailEvent[]; ignored: string[] }
  | { ok: false; issues: WebhookFieldIssue[] };
