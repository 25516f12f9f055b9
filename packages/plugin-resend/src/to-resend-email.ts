import type { EmailMessage } from "@hogsend/core";
import type { CreateEmailOptions } from "resend";
import { idempotencyTag } from "./idempotency.js";

/** Resend tag names and values allow only ASCII letters, digits, `_` and `-`, up to 256 characters. */
function tagText(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 256);
}

/**
 * EmailMessage → the SDK's send options. Metadata, the category and the idempotency key travel as
 * tags (sanitized to Resend's alphabet, which would otherwise reject the whole send), and come
 * back in webhooks.
 */
export function toResendEmail(message: EmailMessage): CreateEmailOptions {
  const key = idempotencyTag(message.idempotencyKey);
  const tags = Object.entries(message.metadata ?? {})
    .map(([name, value]) => ({ name: tagText(name), value: tagText(value) }))
    .filter((tag) => !(key && tag.name === "idempotency_key"));
  if (message.category !== undefined) tags.push({ name: "category", value: tagText(message.category) });
  if (key !== undefined) tags.push({ name: "idempotency_key", value: key });
  return {
    from: message.from,
    to: message.to,
    subject: message.subject,
    html: message.html,
    ...(message.text === undefined ? {} : { text: message.text }),
    ...(message.replyTo === undefined ? {} : { replyTo: message.replyTo }),
    ...(message.headers === undefined ? {} : { headers: message.headers }),
    ...(tags.length === 0 ? {} : { tags }),
  };
}
