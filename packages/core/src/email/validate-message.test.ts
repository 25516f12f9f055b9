import { describe, expect, it } from "vitest";
import type { EmailMessage } from "./message.js";
import { type MessageLimits, mailboxAddress, messageBytes, validateMessage } from "./validate-message.js";

const limits: MessageLimits = { provider: "test", maxMessageBytes: 10_000, maxBodyBytes: 5_000 };

function message(overrides: Partial<EmailMessage> = {}): EmailMessage {
  return {
    from: "Acme <hello@mail.acme.com>",
    to: "ada@example.com",
    subject: "Welcome",
    html: "<p>Hi</p>",
    text: "Hi",
    replyTo: "support@acme.com",
    headers: {
      "List-Unsubscribe": "<https://x.example/u>",
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
    metadata: { send_id: "snd_1" },
    ...overrides,
  };
}

const reasonOf = (overrides: Partial<EmailMessage>, custom: MessageLimits = limits) =>
  validateMessage(message(overrides), custom)?.reason;

describe("mailboxAddress", () => {
  it.each([
    ["ada@example.com", "ada@example.com"],
    ["  ada.lovelace+news@mail.example.co.uk ", "ada.lovelace+news@mail.example.co.uk"],
    ["Acme <hello@acme.com>", "hello@acme.com"],
    ['"Acme, Inc." <hello@acme.com>', "hello@acme.com"],
    ["<hello@acme.com>", "hello@acme.com"],
    ["o'brien@xn--bcher-kva.example", "o'brien@xn--bcher-kva.example"],
  ])("accepts %s", (mailbox, address) => {
    expect(mailboxAddress(mailbox)).toBe(address);
  });

  it.each([
    "",
    "ada",
    "ada@",
    "@example.com",
    "ada@example",
    "ada@@example.com",
    "ada@exa mple.com",
    "ada..b@example.com",
    ".ada@example.com",
    "ada@-example.com",
    "ada@example.c",
    "a@b.com, c@d.com",
    "Acme, Inc. <hello@acme.com>",
    "Acme <hello@acme.com",
    "Acme hello@acme.com>",
    "ada@exämple.com",
    "ada@example.com\r\nBcc: eve@example.com",
    `${"a".repeat(65)}@example.com`,
  ])("refuses %j", (mailbox) => {
    expect(mailboxAddress(mailbox)).toBeUndefined();
  });
});

describe("validateMessage", () => {
  it("passes a well-formed message", () => {
    expect(validateMessage(message(), limits)).toBeUndefined();
    expect(
      validateMessage(message({ replyTo: undefined, text: undefined, headers: undefined }), limits),
    ).toBe(undefined);
  });

  it("refuses bad addresses by field as a permanent rejection that never reached the provider", () => {
    const error = validateMessage(message({ to: "not-an-address" }), limits);
    expect(error).toMatchObject({
      provider: "test",
      kind: "rejected",
      retryable: false,
      providerCode: "invalid_message",
      providerStatus: undefined,
      code: "VALIDATION_FAILED",
    });
    expect(error?.reason).toBe('invalid message: `to` is not one valid email address ("not-an-address")');
    expect(reasonOf({ from: "Acme" })).toMatch(/`from`/);
    expect(reasonOf({ replyTo: "support@" })).toMatch(/`replyTo`/);
    expect(reasonOf({ to: "a@example.com, b@example.com" })).toMatch(/`to` is not one/);
  });

  it("refuses an empty subject or body and line breaks in the subject", () => {
    expect(reasonOf({ subject: "  " })).toBe("invalid message: `subject` is empty");
    expect(reasonOf({ subject: "Hi\r\nBcc: eve@example.com" })).toMatch(/line break/);
    expect(reasonOf({ html: "" })).toBe("invalid message: `html` is empty");
  });

  it("refuses header names that are not RFC 5322 field names and values with line breaks", () => {
    expect(reasonOf({ headers: { "X Bad": "1" } })).toMatch(/header name "X Bad"/);
    expect(reasonOf({ headers: { "X-Colon:": "1" } })).toMatch(/header name/);
    expect(reasonOf({ headers: { "X-Ünicode": "1" } })).toMatch(/header name/);
    expect(reasonOf({ headers: { "X-Ok": "a\nb" } })).toMatch(/header X-Ok contains a line break/);
  });

  it("refuses messages over the provider's body and message limits, counting UTF-8 bytes", () => {
    expect(reasonOf({ html: "é".repeat(2_501) })).toMatch(
      /`html` is 5002 bytes, over the 5000-byte limit of test/,
    );
    expect(reasonOf({ text: "x".repeat(5_001) })).toMatch(/`text` is 5001 bytes/);
    const big = { html: "x".repeat(4_000), text: "y".repeat(4_000), metadata: { k: "z".repeat(3_000) } };
    expect(reasonOf(big)).toMatch(/the message is \d+ bytes, over the 10000-byte limit/);
    expect(reasonOf(big, { provider: "test", maxMessageBytes: 20_000 })).toBeUndefined();
  });

  it("counts subject, bodies, headers and metadata", () => {
    const bare: EmailMessage = { from: "a@b.co", to: "c@d.co", subject: "ab", html: "cd" };
    expect(messageBytes(bare)).toBe(4);
    expect(messageBytes({ ...bare, text: "é", headers: { X: "y" }, metadata: { k: "v" } })).toBe(10);
  });
});
