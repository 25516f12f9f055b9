import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Env } from "../env.js";
import type { WebhookAuth } from "./define-webhook-source.js";
import { verifyWebhook } from "./verify.js";

const env = { POSTHOG_WEBHOOK_SECRET: "s3cret" } as Env;
const hmac: WebhookAuth = {
  kind: "hmac-sha256",
  header: "x-signature",
  secret: (e) => e.POSTHOG_WEBHOOK_SECRET,
  secretEnv: "POSTHOG_WEBHOOK_SECRET",
  encoding: "hex",
  prefix: "sha256=",
};
const sign = (body: string, secret = "s3cret") =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

describe("verifyWebhook (HMAC)", () => {
  const body = '{"event":"x"}';

  it("accepts the HMAC of the exact raw body", () => {
    expect(verifyWebhook(hmac, env, new Headers({ "x-signature": sign(body) }), body)).toEqual({ ok: true });
  });

  it("refuses a tampered body, a wrong key, a missing header and an unset secret", () => {
    expect(verifyWebhook(hmac, env, new Headers({ "x-signature": sign(body) }), `${body} `).ok).toBe(false);
    expect(verifyWebhook(hmac, env, new Headers({ "x-signature": sign(body, "other") }), body).ok).toBe(
      false,
    );
    expect(verifyWebhook(hmac, env, new Headers(), body)).toEqual({
      ok: false,
      reason: "missing x-signature header",
    });
    const unset = verifyWebhook(hmac, {} as Env, new Headers({ "x-signature": sign(body) }), body);
    expect(unset).toEqual({
      ok: false,
      reason: "this webhook source is not configured: set POSTHOG_WEBHOOK_SECRET",
    });
  });
});
