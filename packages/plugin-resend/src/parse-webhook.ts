import {
  type NeutralEmailEvent,
  type NeutralEmailEventType,
  PayloadFields,
  parseJsonObject,
  type WebhookParseResult,
} from "@hogsend/core";

/** Resend event types Hogsend tracks; the rest (contacts, domains, inbound…) are ignored. */
const EVENT_TYPES: Record<string, NeutralEmailEventType> = {
  "email.sent": "sent",
  "email.delivered": "delivered",
  "email.delivery_delayed": "delivery_delayed",
  "email.bounced": "bounced",
  "email.complained": "complained",
  "email.opened": "opened",
  "email.clicked": "clicked",
  "email.failed": "failed",
  // Resend did not send because the address is on its suppression list: the send failed.
  "email.suppressed": "failed",
};

/** A Resend webhook body (`{ type, created_at, data }`) → one neutral event per recipient. */
export function parseResendWebhook(rawBody: string): WebhookParseResult {
  const json = parseJsonObject(rawBody);
  if (!json.ok) return json;
  const fields = new PayloadFields(json.value);
  const providerEventType = fields.string("type");
  if (fields.issues.length > 0) return { ok: false, issues: fields.issues };
  const type = EVENT_TYPES[providerEventType];
  if (type === undefined) {
    return { ok: true, events: [], ignored: [`resend event ${providerEventType} is not tracked`] };
  }

  const providerMessageId = fields.string("data.email_id");
  const recipients = fields.stringArray("data.to");
  const occurredAt = fields.date("created_at");
  const metadata = fields.stringRecord("data.tags");
  const extra: Partial<NeutralEmailEvent> = {};
  if (type === "bounced") {
    const providerType = fields.string("data.bounce.type");
    const subType = fields.optionalString("data.bounce.subType");
    extra.bounce = {
      // Resend classifies bounces as Permanent, Transient or Undetermined; only Permanent suppresses.
      permanent: providerType === "Permanent",
      reason: fields.optionalString("data.bounce.message") ?? subType ?? providerType,
      providerType: subType ? `${providerType}/${subType}` : providerType,
    };
  }
  if (type === "clicked") extra.url = fields.string("data.click.link");
  if (providerEventType === "email.failed") {
    extra.failureReason = fields.optionalString("data.failed.reason") ?? "failed";
  }
  if (providerEventType === "email.suppressed") {
    extra.failureReason = `suppressed: ${fields.optionalString("data.suppressed.message") ?? "recipient is on Resend's suppression list"}`;
  }
  if (fields.issues.length > 0) return { ok: false, issues: fields.issues };

  const events = recipients.map(
    (recipient): NeutralEmailEvent => ({
      type,
      provider: "resend",
      providerEventType,
      providerMessageId,
      recipient,
      occurredAt,
      ...extra,
      ...(metadata.category === undefined ? {} : { category: metadata.category }),
      metadata,
    }),
  );
  return { ok: true, events, ignored: [] };
}
