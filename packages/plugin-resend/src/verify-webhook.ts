import type { WebhookRequest, WebhookVerification } from "@hogsend/core";
import type { Resend } from "resend";

/** Svix secrets as Resend shows them: `whsec_` and base64. */
const SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

/** Throws at startup for a malformed secret, so a typo fails boot rather than every webhook. */
export function assertWebhookSecret(secret: string): void {
  if (!SECRET_PATTERN.test(secret)) {
    throw new Error("RESEND_WEBHOOK_SECRET must be the whsec_… signing secret shown for the Resend webhook");
  }
}

function header(headers: Headers, name: string): string | null {
  // Svix sends svix-*; the Standard Webhooks spelling (webhook-*) is accepted too.
  return headers.get(`svix-${name}`) ?? headers.get(`webhook-${name}`);
}

/**
 * Checks the Svix signature with the SDK's verifier (HMAC-SHA256 over `id.timestamp.body`,
 * constant-time compare, any of several `v1,` signatures, timestamps within 5 minutes either way).
 * Without a secret everything is refused.
 */
export function verifyResendWebhook(
  resend: Resend,
  webhookSecret: string | undefined,
  request: WebhookRequest,
): WebhookVerification {
  if (!webhookSecret) {
    return { ok: false, reason: "Resend webhooks are not configured: set RESEND_WEBHOOK_SECRET" };
  }
  const id = header(request.headers, "id");
  const timestamp = header(request.headers, "timestamp");
  const signature = header(request.headers, "signature");
  if (!id || !timestamp || !signature) {
    return { ok: false, reason: "missing svix-id, svix-timestamp or svix-signature header" };
  }
  try {
    resend.webhooks.verify({
      payload: request.rawBody,
      headers: { id, timestamp, signature },
      webhookSecret,
    });
    return { ok: true };
  } catch (err) {
    // The verifier parses the body only after the signature matched: a genuine but non-JSON body
    // is verified, and parsing reports it as a 400.
    if (err instanceof SyntaxError) return { ok: true };
    const detail = err instanceof Error ? err.message : String(err);
    return { ok: false, reason: `bad Svix signature (${detail})` };
  }
}
