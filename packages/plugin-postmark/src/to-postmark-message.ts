import { createHash } from "node:crypto";
import type { EmailMessage } from "@hogsend/core";
import { type Message, Models } from "postmark";

/** Postmark metadata values hold at most 80 characters. */
const MAX_METADATA_VALUE = 80;

/**
 * Postmark has no idempotency header. The mailer's unique idempotency key (a database constraint)
 * is what prevents duplicate sends; the key rides along as metadata so a message can be traced to
 * the send that produced it. Long keys are replaced by a stable digest.
 */
export function idempotencyMetadata(key: string | undefined): Record<string, string> {
  if (key === undefined || key === "") return {};
  const value =
    key.length <= MAX_METADATA_VALUE ? key : `sha256:${createHash("sha256").update(key).digest("hex")}`;
  return { idempotency_key: value };
}

/** EmailMessage → the SDK's message: the category is Postmark's `Tag`, headers a Name/Value list. */
export function toPostmarkMessage(message: EmailMessage, defaultStream: string): Message {
  const metadata = { ...message.metadata, ...idempotencyMetadata(message.idempotencyKey) };
  const headers = Object.entries(message.headers ?? {}).map(([Name, Value]) => ({ Name, Value }));
  return {
    From: message.from,
    To: message.to,
    Subject: message.subject,
    HtmlBody: message.html,
    ...(message.text === undefined ? {} : { TextBody: message.text }),
    ...(message.replyTo === undefined ? {} : { ReplyTo: message.replyTo }),
    ...(headers.length === 0 ? {} : { Headers: headers }),
    ...(message.category === undefined ? {} : { Tag: message.category }),
    ...(Object.keys(metadata).length === 0 ? {} : { Metadata: metadata }),
    MessageStream: message.messageStream ?? defaultStream,
    // Hogsend tracks opens and clicks itself (its pixel and rewritten links); Postmark's own
    // tracking on top would count twice and wrap links that are already tracking links.
    TrackOpens: false,
    TrackLinks: Models.LinkTrackingOptions.None,
  };
}
