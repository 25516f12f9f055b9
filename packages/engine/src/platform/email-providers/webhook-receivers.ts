import type { EmailProvider, NeutralEmailEvent, WebhookRequest } from "@hogsend/core";
import type { Queryable } from "@hogsend/db";
import type { Env } from "../../env.js";
import { createEmailProvider } from "./email-providers.js";

/** A provider whose webhooks are served at POST /v1/webhooks/email/:providerId. */
export interface EmailWebhookReceiver {
  id: string;
  /** The adapter that verifies and parses; it never sends from here. */
  provider: EmailProvider;
  /**
   * The provider's own identity of one event, the same on every redelivery: the key of its
   * email_events row, so a redelivered webhook changes nothing.
   */
  dedupeKey(request: WebhookRequest, event: NeutralEmailEvent, index: number): string;
}

type ReceiverSpec = Pick<EmailWebhookReceiver, "dedupeKey"> & {
  /** The send credential the adapter's factory insists on; webhook checks never use it. */
  sendKey: "RESEND_API_KEY" | "POSTMARK_SERVER_TOKEN";
};

const RECEIVERS: Record<string, ReceiverSpec> = {
  resend: {
    sendKey: "RESEND_API_KEY",
    // Svix keeps the message id across retries; verification already required the header.
    dedupeKey: (request, _event, index) =>
      `resend:${request.headers.get("svix-id") ?? request.headers.get("webhook-id")}:${index}`,
  },
  postmark: {
    sendKey: "POSTMARK_SERVER_TOKEN",
    // Postmark sends no delivery id, and its numeric record `ID` exceeds 2^53 (JSON.parse rounds
    // neighbouring ids together): a record is its type, message, recipient and timestamp.
    dedupeKey: (_request, event) =>
      `postmark:${event.providerEventType}:${event.providerMessageId}:${event.recipient}:${event.occurredAt.toISOString()}`,
  },
};

/** Provider ids that receive webhooks; the outbox receives none. */
export const EMAIL_WEBHOOK_PROVIDER_IDS = Object.keys(RECEIVERS);

/**
 * One receiver per known provider, the active one and the others alike: a deploy that switched
 * providers still gets late webhooks from the old one. Each is built from env through the same
 * registry as the active provider, so its webhook secret is read in one place; an unset secret
 * leaves it refusing everything (the adapters fail closed and name the env var).
 */
export function createEmailWebhookReceivers(
  env: Env,
  db: Queryable,
  active: EmailProvider,
): Map<string, EmailWebhookReceiver> {
  const receivers = new Map<string, EmailWebhookReceiver>();
  for (const [id, spec] of Object.entries(RECEIVERS)) {
    const provider =
      active.id === id
        ? active
        : createEmailProvider(
            {
              ...env,
              EMAIL_PROVIDER: id as Env["EMAIL_PROVIDER"],
              [spec.sendKey]: env[spec.sendKey] ?? "unused",
            },
            db,
          );
    receivers.set(id, { id, provider, dedupeKey: spec.dedupeKey });
  }
  return receivers;
}
