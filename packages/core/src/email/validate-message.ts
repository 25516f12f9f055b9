import type { EmailMessage } from "./message.js";
import { ProviderError } from "./provider-error.js";

/** What one provider accepts for a single message. */
export interface MessageLimits {
  /** The provider id the error names. */
  provider: string;
  /** Largest message (subject, bodies, headers, metadata) in UTF-8 bytes. */
  maxMessageBytes: number;
  /** Largest HTML or text body on its own, where the provider caps them separately (Postmark). */
  maxBodyBytes?: number;
}

// A dot-atom local part (RFC 5322) and a DNS host name with an alphabetic TLD (or an IDNA `xn--`
// one). Quoted local parts, address literals and raw Unicode are refused: the providers' strict
// batch validation refuses them too, and then takes the whole batch down with them.
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const ADDRESS = new RegExp(
  `^${ATOM}(?:\\.${ATOM})*@(?:${LABEL}\\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$`,
);
// A display name: a quoted string (escapes allowed) or a phrase without the specials that would
// make it ambiguous (`,` would read as a second recipient).
const QUOTED_NAME = /^"(?:[^"\\\r\n]|\\.)*"$/;
const PHRASE = /^[^<>",;:@\\\r\n]+$/;
// RFC 5322 field names: printable ASCII except the colon.
const HEADER_NAME = /^[!-9;-~]+$/;
const LINE_BREAK = /[\r\n]/;

/** The bare address of a mailbox (`hello@acme.com` or `Acme <hello@acme.com>`), or undefined when it is not one. */
export function mailboxAddress(mailbox: string): string | undefined {
  const text = mailbox.trim();
  let address = text;
  if (text.endsWith(">")) {
    const open = text.lastIndexOf("<");
    if (open < 0) return undefined;
    const name = text.slice(0, open).trim();
    if (name !== "" && !QUOTED_NAME.test(name) && !PHRASE.test(name)) return undefined;
    address = text.slice(open + 1, -1);
  }
  if (address.length > 254 || !ADDRESS.test(address)) return undefined;
  const local = address.slice(0, address.lastIndexOf("@"));
  return local.length <= 64 ? address : undefined;
}

const bytes = (text: string | undefined) => (text === undefined ? 0 : Buffer.byteLength(text, "utf8"));

/** The message's size as the providers count it, near enough: bodies, subject, headers and metadata in UTF-8. */
export function messageBytes(message: EmailMessage): number {
  let total = bytes(message.subject) + bytes(message.html) + bytes(message.text);
  for (const [name, value] of Object.entries(message.headers ?? {})) total += bytes(name) + bytes(value);
  for (const [name, value] of Object.entries(message.metadata ?? {})) total += bytes(name) + bytes(value);
  return total;
}

/** The first rule the message breaks, in words; undefined when it is fine to send. */
function invalidReason(message: EmailMessage, limits: MessageLimits): string | undefined {
  const mailboxes: [string, string | undefined][] = [
    ["to", message.to],
    ["from", message.from],
    ["replyTo", message.replyTo],
  ];
  for (const [field, value] of mailboxes) {
    if (value === undefined && field === "replyTo") continue;
    if (typeof value !== "string" || mailboxAddress(value) === undefined) {
      return `\`${field}\` is not one valid email address (${JSON.stringify(value)})`;
    }
  }
  if (typeof message.subject !== "string" || message.subject.trim() === "") return "`subject` is empty";
  if (LINE_BREAK.test(message.subject)) return "`subject` contains a line break";
  if (typeof message.html !== "string" || message.html.trim() === "") return "`html` is empty";
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (!HEADER_NAME.test(name))
      return `header name ${JSON.stringify(name)} is not a valid header field name`;
    if (LINE_BREAK.test(value)) return `header ${name} contains a line break`;
  }
  if (limits.maxBodyBytes !== undefined) {
    for (const [field, body] of [
      ["html", message.html],
      ["text", message.text],
    ] as const) {
      const size = bytes(body);
      if (size > limits.maxBodyBytes) {
        return `\`${field}\` is ${size} bytes, over the ${limits.maxBodyBytes}-byte limit of ${limits.provider}`;
      }
    }
  }
  const size = messageBytes(message);
  if (size > limits.maxMessageBytes) {
    return `the message is ${size} bytes, over the ${limits.maxMessageBytes}-byte limit of ${limits.provider}`;
  }
  return undefined;
}

/**
 * Checks one message before it joins a batch: addresses of `to`, `from` and `replyTo`, a
 * non-empty subject and HTML body, header names and values, and the provider's size limits. A
 * message that breaks one is refused alone, as a permanent `rejected` error, and never reaches
 * the provider, where strict batch validation would refuse every message of its batch with it.
 */
export function validateMessage(message: EmailMessage, limits: MessageLimits): ProviderError | undefined {
  const reason = invalidReason(message, limits);
  if (reason === undefined) return undefined;
  return new ProviderError({
    provider: limits.provider,
    kind: "rejected",
    reason: `invalid message: ${reason}`,
    providerCode: "invalid_message",
  });
}
