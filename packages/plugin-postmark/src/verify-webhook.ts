import { createHash, timingSafeEqual } from "node:crypto";
import type { WebhookRequest, WebhookVerification } from "@hogsend/core";

/** The credentials embedded in the Postmark webhook URL (`https://user:pass@host/…`). */
export interface BasicCredentials {
  username: string;
  password: string;
}

/** Equal-length digests, so the comparison takes the same time whatever was presented. */
function constantTimeEqual(presented: string, expected: string): boolean {
  const a = createHash("sha256").update(presented).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Postmark authenticates webhooks with HTTP Basic only. Without configured credentials every
 * request is refused (fail closed), so an unconfigured deploy cannot be fed forged bounces.
 */
export function verifyPostmarkWebhook(
  credentials: BasicCredentials | undefined,
  request: WebhookRequest,
): WebhookVerification {
  if (!credentials?.username || !credentials.password) {
    return {
      ok: false,
      reason: "Postmark webhooks are not configured: set POSTMARK_WEBHOOK_USER and POSTMARK_WEBHOOK_PASS",
    };
  }
  const header = request.headers.get("authorization");
  if (!header)
    return { ok: false, reason: "missing Authorization header (embed user:pass in the webhook URL)" };
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header.trim());
  if (!match?.[1]) return { ok: false, reason: "Authorization is not HTTP Basic" };
  const presented = Buffer.from(match[1], "base64").toString("utf8");
  return constantTimeEqual(presented, `${credentials.username}:${credentials.password}`)
    ? { ok: true }
    : { ok: false, reason: "wrong webhook credentials" };
}
