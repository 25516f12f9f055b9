import { AppError, type NeutralEmailEvent, type WebhookRequest } from "@hogsend/core";
import {
  type EmailEventType,
  type EmailSend,
  emailSendByProviderMessageId,
  findEventByIdempotencyKey,
  insertEmailEventOnce,
  type Queryable,
  recordEngagement,
  recordPermanentBounce,
  updateEmailPreferences,
} from "@hogsend/db";
import type { ContactEvents } from "../../ingest/ingest-service.js";
import type { HogsendClient } from "../../platform/client.js";
import type { EmailWebhookReceiver } from "../../platform/email-providers/webhook-receivers.js";

/** What one webhook delivery did: events parsed, newly recorded, and already seen. */
export interface EmailWebhookResult {
  received: number;
  processed: number;
  duplicates: number;
}

type Outcome = "processed" | "duplicate" | "skipped";

interface JourneySignal {
  name: string;
  properties: Record<string, unknown>;
  idempotencyKey: string;
}

/**
 * Verifies a provider webhook with its adapter, parses it to neutral events and applies each one
 * once. Throws UNAUTHORIZED (nothing read) or VALIDATION_FAILED (nothing stored).
 */
export async function receiveEmailWebhook(
  client: HogsendClient,
  receiver: EmailWebhookReceiver,
  request: WebhookRequest,
  events: ContactEvents,
): Promise<EmailWebhookResult> {
  const verified = receiver.provider.verifyWebhook(request);
  if (!verified.ok) throw new AppError("UNAUTHORIZED", `Webhook refused: ${verified.reason}`);
  const parsed = receiver.provider.parseWebhook(request.rawBody);
  if (!parsed.ok) {
    const names = [...new Set(parsed.issues.map((i) => i.field))].join(", ");
    throw new AppError("VALIDATION_FAILED", `Invalid ${receiver.id} webhook: ${names}`, {
      details: { fields: parsed.issues },
    });
  }
  for (const reason of parsed.ignored) client.logger.debug("email webhook record ignored", { reason });

  const result: EmailWebhookResult = { received: parsed.events.length, processed: 0, duplicates: 0 };
  for (const [index, event] of parsed.events.entries()) {
    const outcome = await applyEmailEvent(client, event, receiver.dedupeKey(request, event, index), events);
    if (outcome === "processed") result.processed++;
    else if (outcome === "duplicate") result.duplicates++;
  }
  return result;
}

/**
 * Records one neutral event against its send. The email_events insert (the dedupe gate) and the
 * state it changes (first-claim stamps, the bounce count, suppression) commit in one transaction:
 * a crash between them cannot leave a recorded event whose bounce was never counted, nor a count
 * whose event a redelivery would count again. The journey event goes out after the commit.
 */
async function applyEmailEvent(
  client: HogsendClient,
  event: NeutralEmailEvent,
  dedupeKey: string,
  events: ContactEvents,
): Promise<Outcome> {
  const { db } = client.db;
  const fields = { provider: event.provider, messageId: event.providerMessageId, type: event.type };
  const send = await emailSendByProviderMessageId(db, event.provider, event.providerMessageId);
  if (!send) {
    // Not ours (another app on the same account) or long deleted: a 200 stops the retries.
    client.logger.debug("email webhook for an unknown message", fields);
    return "skipped";
  }
  const type = storedType(event);
  if (!type) {
    client.logger.info("email webhook event not recorded", {
      ...fields,
      sendId: send.id,
      reason: event.failureReason,
    });
    return "skipped";
  }

  const applied = await db.transaction(async (tx) => {
    const inserted = await insertEmailEventOnce(tx, {
      sendId: send.id,
      tenantId: send.tenantId,
      type,
      dedupeKey,
      occurredAt: event.occurredAt,
      url: event.url ?? null,
      data: eventData(event),
    });
    if (!inserted) return { duplicate: true, first: false };
    return { duplicate: false, first: await applyEffects(tx, client, send, event) };
  });

  const signal = journeyEvent(send, event);
  // A redelivery, or a second record of something already claimed, re-emits only when the first
  // emit never landed (a crash after the commit); the emit's own key keeps it to one event.
  if (
    signal &&
    send.contactId &&
    (applied.first || !(await findEventByIdempotencyKey(db, signal.idempotencyKey)))
  ) {
    await emitToLiveContact(send.contactId, signal, {
      occurredAt: event.occurredAt,
      source: `email-webhook:${event.provider}`,
      events,
    });
  }
  return applied.duplicate ? "duplicate" : "processed";
}

/** Emits unless the contact was deleted: a late webhook must not re-create them under their old identity. */
async function emitToLiveContact(
  contactId: string,
  signal: JourneySignal,
  options: { occurredAt: Date; source: string; events: ContactEvents },
): Promise<void> {
  await options.events.recordContactEvent(
    contactId,
    { name: signal.name, properties: signal.properties, occurredAt: options.occurredAt },
    { source: options.source, idempotencyKey: signal.idempotencyKey },
  );
}

/** The email_events type; undefined for `failed`, which that table has no type for. */
function storedType(event: NeutralEmailEvent): EmailEventType | undefined {
  return event.type === "failed" ? undefined : event.type;
}

function eventData(event: NeutralEmailEvent): Record<string, unknown> {
  return {
    provider: event.provider,
    providerEventType: event.providerEventType,
    recipient: event.recipient,
    ...(event.bounce
      ? {
          bounceType: event.bounce.permanent ? "permanent" : "transient",
          bounceReason: event.bounce.reason,
          providerBounceType: event.bounce.providerType,
        }
      : {}),
    ...(event.category === undefined ? {} : { category: event.category }),
  };
}

/**
 * What the event changes beyond its own row; returns whether it was the send's first of its kind.
 * A send counts toward the bounce threshold once, however many bounce records it gets. Transient
 * bounces, and opens and clicks seen by the provider's own tracking, change nothing: the open
 * pixel and the rewritten links are the source of truth for engagement.
 */
async function applyEffects(
  tx: Queryable,
  client: HogsendClient,
  send: EmailSend,
  event: NeutralEmailEvent,
): Promise<boolean> {
  const contactId = send.contactId;
  switch (event.type) {
    case "delivered":
      return (await recordEngagement(tx, send.id, "delivered", event.occurredAt)).first;
    case "bounced": {
      if (!event.bounce?.permanent) return false;
      const { first } = await recordEngagement(tx, send.id, "bounced", event.occurredAt);
      if (first && contactId) {
        const threshold = client.env.EMAIL_BOUNCE_SUPPRESS_THRESHOLD;
        await recordPermanentBounce(tx, contactId, threshold, event.bounce.reason);
      }
      return first;
    }
    case "complained": {
      const { first } = await recordEngagement(tx, send.id, "complained", event.occurredAt);
      if (first && contactId) {
        await updateEmailPreferences(tx, contactId, { suppressed: true, suppressedReason: "complained" });
      }
      return first;
    }
    case "unsubscribed": {
      // The recipient unsubscribed through the provider's own link: the provider stops mailing
      // them, so Hogsend's preferences say the same.
      const { first } = await recordEngagement(tx, send.id, "unsubscribed", event.occurredAt);
      if (first && contactId) await updateEmailPreferences(tx, contactId, { unsubscribedAll: true });
      return first;
    }
    default:
      return false;
  }
}

/** The event journeys can wait on, keyed per send so it is stored once whatever redelivers. */
function journeyEvent(send: EmailSend, event: NeutralEmailEvent): JourneySignal | undefined {
  const base = {
    sendId: send.id,
    template: send.template,
    category: send.category,
    ...(send.journeyId ? { journeyId: send.journeyId } : {}),
  };
  const signal = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    properties: { ...base, ...extra },
    idempotencyKey: `${name}:${send.id}`,
  });
  switch (event.type) {
    case "delivered":
      return signal("email.delivered");
    case "bounced":
      return event.bounce?.permanent
        ? signal("email.bounced", { bounceType: "permanent", reason: event.bounce.reason })
        : undefined;
    case "complained":
      return signal("email.complained");
    case "unsubscribed":
      return signal("email.unsubscribed");
    default:
      return undefined;
  }
}
