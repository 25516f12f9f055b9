import { type EmailMessage, type EmailProvider, type SendOutcome, validateMessage } from "@hogsend/core";
import { type Queryable, schema } from "@hogsend/db";

/**
 * The dev provider: keeps each rendered email in `outbox_messages` instead of sending it, so a
 * newcomer sees mail at /v1/dev/outbox without a provider account. Refused in production by the
 * env contract. It has no webhooks: every webhook is refused.
 */
export function createOutboxProvider(db: Queryable): EmailProvider {
  // The same checks a real provider makes, so development sees the refusals production would.
  const validate = (message: EmailMessage) =>
    validateMessage(message, { provider: "outbox", maxMessageBytes: 10 * 1024 * 1024 });
  const store = async (message: EmailMessage): Promise<SendOutcome> => {
    const invalid = validate(message);
    if (invalid) return { ok: false, error: invalid };
    const [row] = await db
      .insert(schema.outboxMessages)
      .values({
        sendId: message.metadata?.send_id ?? null,
        from: message.from,
        to: message.to,
        subject: message.subject,
        html: message.html,
        text: message.text ?? "",
        headers: message.headers ?? {},
      })
      .returning({ id: schema.outboxMessages.id });
    if (!row) throw new Error("the outbox row was not written");
    return { ok: true, providerMessageId: `outbox_${row.id}` };
  };
  return {
    id: "outbox",
    maxBatchSize: 500,
    // Every call stores a row: a resend after a crash shows up twice in the dev outbox.
    deduplicates: false,
    validate,
    send: store,
    async sendBatch(messages) {
      const outcomes: SendOutcome[] = [];
      for (const message of messages) outcomes.push(await store(message));
      return outcomes;
    },
    verifyWebhook: () => ({ ok: false, reason: "the outbox provider receives no webhooks" }),
    parseWebhook: () => ({ ok: true, events: [], ignored: ["the outbox provider receives no webhooks"] }),
  };
}
