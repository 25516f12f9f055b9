import { describe, expect, it } from "vitest";
import { EMAIL_TOKEN_TTL_MS, signEmailToken, verifyEmailToken } from "./tokens.js";

const secret = "a-better-auth-secret-of-at-least-thirty-two-chars";
const now = new Date("2026-03-01T12:00:00.000Z");
const expiresAt = new Date("2026-04-01T00:00:00.000Z");
const claims = {
  contactId: "c_123",
  purpose: "unsubscribe" as const,
  category: "billing",
  sendId: "snd_9",
  expiresAt,
};

function flip(char: string): string {
  return char === "A" ? "B" : "A";
}

describe("email tokens", () => {
  it("round-trips the claims in a compact, URL-safe, versioned token", () => {
    const token = signEmailToken(claims, secret, now);
    expect(token).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(encodeURIComponent(token)).toBe(token);
    expect(verifyEmailToken(token, secret, { purpose: "unsubscribe", now })).toEqual({ ok: true, claims });
  });

  it("keeps optional claims optional and defaults the expiry to the purpose's lifetime", () => {
    const token = signEmailToken({ contactId: "c_1", purpose: "preferences" }, secret, now);
    const result = verifyEmailToken(token, secret, { purpose: ["unsubscribe", "preferences"], now });
    expect(result).toEqual({
      ok: true,
      claims: {
        contactId: "c_1",
        purpose: "preferences",
        expiresAt: new Date(now.getTime() + EMAIL_TOKEN_TTL_MS.preferences),
      },
    });
    expect(EMAIL_TOKEN_TTL_MS.unsubscribe).toBe(60 * 86_400_000);
  });

  it("detects a tampered payload", () => {
    const token = signEmailToken(claims, secret, now);
    const [v, payload, sig] = token.split(".") as [string, string, string];
    const forged = Buffer.from(
      Buffer.from(payload, "base64url").toString().replace("c_123", "c_456"),
    ).toString("base64url");
    expect(verifyEmailToken(`${v}.${forged}.${sig}`, secret, { purpose: "unsubscribe", now })).toEqual({
      ok: false,
      error: "bad_signature",
    });
    const oneChar = `${v}.${flip(payload[0] ?? "")}${payload.slice(1)}.${sig}`;
    expect(verifyEmailToken(oneChar, secret, { purpose: "unsubscribe", now })).toMatchObject({
      error: "bad_signature",
    });
  });

  it("detects a tampered signature, including one that decodes to the same bytes", () => {
    const token = signEmailToken(claims, secret, now);
    const sig = token.slice(token.lastIndexOf(".") + 1);
    const head = token.slice(0, token.lastIndexOf(".") + 1);
    const verify = (s: string) => verifyEmailToken(head + s, secret, { purpose: "unsubscribe", now });
    expect(verify(`${flip(sig[0] ?? "")}${sig.slice(1)}`)).toEqual({ ok: false, error: "bad_signature" });
    expect(verify(sig.slice(0, -1))).toEqual({ ok: false, error: "bad_signature" });
    // 43 base64url chars carry 258 bits for a 256-bit MAC; the last char's spare bits must count too.
    const last = sig.at(-1) ?? "";
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const sibling = alphabet[alphabet.indexOf(last) ^ 1] ?? "";
    expect(Buffer.from(sig.slice(0, -1) + sibling, "base64url")).toEqual(Buffer.from(sig, "base64url"));
    expect(verify(sig.slice(0, -1) + sibling)).toEqual({ ok: false, error: "bad_signature" });
  });

  it("rejects a token signed with another secret", () => {
    const token = signEmailToken(claims, "another-secret-entirely-0123456789abcdef", now);
    expect(verifyEmailToken(token, secret, { purpose: "unsubscribe", now })).toEqual({
      ok: false,
      error: "bad_signature",
    });
  });

  it("does not sign with the raw secret", async () => {
    const { createHmac } = await import("node:crypto");
    const token = signEmailToken(claims, secret, now);
    const signed = token.slice(0, token.lastIndexOf("."));
    const raw = createHmac("sha256", secret).update(signed).digest("base64url");
    expect(token.endsWith(raw)).toBe(false);
  });

  it("expires at expiresAt", () => {
    const token = signEmailToken(claims, secret, now);
    const justBefore = new Date(expiresAt.getTime() - 1);
    expect(verifyEmailToken(token, secret, { purpose: "unsubscribe", now: justBefore }).ok).toBe(true);
    expect(verifyEmailToken(token, secret, { purpose: "unsubscribe", now: expiresAt })).toEqual({
      ok: false,
      error: "expired",
    });
    const defaulted = signEmailToken({ contactId: "c_1", purpose: "unsubscribe" }, secret, now);
    const later = new Date(now.getTime() + EMAIL_TOKEN_TTL_MS.unsubscribe + 1000);
    expect(verifyEmailToken(defaulted, secret, { purpose: "unsubscribe", now: later })).toMatchObject({
      error: "expired",
    });
  });

  it("rejects a token minted for another purpose", () => {
    const token = signEmailToken({ ...claims, purpose: "preferences" }, secret, now);
    expect(verifyEmailToken(token, secret, { purpose: "unsubscribe", now })).toEqual({
      ok: false,
      error: "wrong_purpose",
    });
  });

  it("calls anything that is not a token malformed", () => {
    const token = signEmailToken(claims, secret, now);
    const [, payload, sig] = token.split(".") as [string, string, string];
    for (const bad of [
      "",
      "v1",
      "v1..",
      `v2.${payload}.${sig}`,
      `v1.${payload}`,
      `${token}.extra`,
      `v1.${payload}.${sig}=`,
      `v1.pay load.${sig}`,
      "x".repeat(5000),
    ]) {
      expect(verifyEmailToken(bad, secret, { purpose: "unsubscribe", now })).toEqual({
        ok: false,
        error: "malformed",
      });
    }
  });

  it("calls a correctly signed but invalid payload malformed", async () => {
    const { createHmac, hkdfSync } = await import("node:crypto");
    const key = Buffer.from(hkdfSync("sha256", secret, "", "hogsend:email-token:v1", 32));
    const mint = (body: string) => {
      const payload = Buffer.from(body).toString("base64url");
      return `v1.${payload}.${createHmac("sha256", key).update(`v1.${payload}`).digest("base64url")}`;
    };
    // The hand-minted valid payload passes, so the rejections below are about the payload alone.
    expect(
      verifyEmailToken(mint('{"c":"c_1","p":"unsubscribe","e":1900000000}'), secret, {
        purpose: "unsubscribe",
        now,
      }).ok,
    ).toBe(true);
    for (const body of [
      "not json",
      "[]",
      '{"c":"","p":"unsubscribe","e":1}',
      '{"c":"x","p":"admin","e":1}',
      '{"c":"x","p":"unsubscribe","e":"soon"}',
    ]) {
      expect(verifyEmailToken(mint(body), secret, { purpose: "unsubscribe", now })).toEqual({
        ok: false,
        error: "malformed",
      });
    }
  });

  it("refuses to sign with an empty secret or without a contact", () => {
    expect(() => signEmailToken(claims, "", now)).toThrow(/secret is empty/);
    expect(() => signEmailToken({ ...claims, contactId: "" }, secret, now)).toThrow(/contactId/);
  });
});
