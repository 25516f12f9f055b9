import type { EmailMessage } from "@hogsend/core";
import type { CreateEmailOptions } from "resend";

/** Resend tag names and values allow only ASCII letters, digits, `_` and `-`, up to 256 characters. */
function tagText(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 256);
}

/**
 * EmailMessage → the SDK's send options. Metadata and the category travel as tags (sanitized to
 * Resend's alphabet, which would otherwise reject the whole send), and come back in webhooks.
 */
export function toResendEmail(message: EmailMessage): CreateEmailOptions {
  const tags = Object.entries(message.metadata ?? {}).map(([name, value]) => ({
    name: tagText(name),
    value: tagText(value),
  }));
  if (message.category !== undefined) tags.push({ name: "category", value: tagText(message.category) });
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
