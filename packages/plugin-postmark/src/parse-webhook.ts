import {
  type NeutralEmailEvent,
  PayloadFields,
  parseJsonObject,
  type WebhookParseResult,
} from "@hogsend/core";

/** Bounce types after which Postmark will not deliver to the address again. */
const PERMANENT_BOUNCE_TYPES = new Set(["HardBounce", "BadEmailAddress", "ManuallyDeactivated"]);
const PERMANENT_BOUNCE_CODES = new Set([1, 100000, 100002]);

function isPermanentBounce(fields: PayloadFields, type: string): boolean {
  const code = fields.at("TypeCode");
  // `Inactive` means Postmark deactivated the address: further sends fail until it is reactivated.
  return (
    PERMANENT_BOUNCE_TYPES.has(type) ||
    (typeof code === "number" && PERMANENT_BOUNCE_CODES.has(code)) ||
    fields.at("Inactive") === true
  );
}

/** A Postmark webhook body (one record, `RecordType` …) → neutral events. */
export function parsePostmarkWebhook(rawBody: string): WebhookParseResult {
  const json = parseJsonObject(rawBody);
  if (!json.ok) return json;
  const fields = new PayloadFields(json.value);
  const recordType = fields.string("RecordType");
  if (fields.issues.length > 0) return { ok: false, issues: fields.issues };

  const base = () => ({
    provider: "postmark",
    providerEventType: recordType,
    providerMessageId: fields.string("MessageID"),
    metadata: fields.stringRecord("Metadata"),
    ...(fields.optionalString("Tag") === undefined ? {} : { category: fields.optionalString("Tag") }),
  });

  let event: NeutralEmailEvent | undefined;
  let ignored: string | undefined;
  switch (recordType) {
    case "Delivery":
      event = {
        ...base(),
        type: "delivered",
        recipient: fields.string("Recipient"),
        occurredAt: fields.date("DeliveredAt"),
      };
      break;
    case "Bounce": {
      const type = fields.string("Type");
      const description = fields.optionalString("Description");
      const details = fields.optionalString("Details");
      event = {
        ...base(),
        type: "bounced",
        recipient: fields.string("Email"),
        occurredAt: fields.date("BouncedAt"),
        bounce: {
          permanent: isPermanentBounce(fields, type),
          reason: [description, details].filter(Boolean).join(" ") || type,
          providerType: type,
        },
      };
      break;
    }
    case "SpamComplaint":
      event = {
        ...base(),
        type: "complained",
        recipient: fields.string("Email"),
        occurredAt: fields.date("BouncedAt"),
      };
      break;
    case "Open":
      event = {
        ...base(),
        type: "opened",
        recipient: fields.string("Recipient"),
        occurredAt: fields.date("ReceivedAt"),
      };
      break;
    case "Click":
      event = {
        ...base(),
        type: "clicked",
        recipient: fields.string("Recipient"),
        occurredAt: fields.date("ReceivedAt"),
        url: fields.string("OriginalLink"),
      };
      break;
    case "SubscriptionChange": {
      const suppress = fields.optionalBoolean("SuppressSending");
      const reason = fields.optionalString("SuppressionReason");
      // Only a recipient's own unsubscribe is one; hard bounces and complaints that also suppress
      // arrive as their own Bounce / SpamComplaint records. Reactivations leave Hogsend's
      // preferences alone.
      if (suppress === true && reason === "ManualSuppression") {
        event = {
          ...base(),
          type: "unsubscribed",
          recipient: fields.string("Recipient"),
          occurredAt: fields.date("ChangedAt"),
        };
      } else {
        ignored = `postmark SubscriptionChange (${suppress ? `suppressed: ${reason ?? "no reason"}` : "reactivated"}) is not an unsubscribe`;
      }
      break;
    }
    default:
      ignored = `postmark record ${recordType} is not tracked`;
  }
  if (fields.issues.length > 0) return { ok: false, issues: fields.issues };
  return { ok: true, events: event ? [event] : [], ignored: ignored ? [ignored] : [] };
}
