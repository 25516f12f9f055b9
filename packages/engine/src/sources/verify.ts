import { createHmac } from "node:crypto";
import { secretsEqual } from "@hogsend/access";
import type { Env } from "../env.js";
import type { WebhookAuth } from "./define-webhook-source.js";

export type VerifyResult = { ok: true } | { ok: false; reason: string };

/** Checks a request against its source's auth, in constant time; an unset secret refuses everything. */
export function verifyWebhook(auth: WebhookAuth, env: Env, headers: Headers, rawBody: string): VerifyResult {
  const secret = auth.secret(env);
  if (!secret) return { ok: false, reason: `this webhook source is not configured: set ${auth.secretEnv}` };
  const presented = headers.get(auth.header);
  if (!presented) return { ok: false, reason: `missing ${auth.header} header` };
  if (auth.kind === "shared-secret") {
    return secretsEqual(presented, secret) ? { ok: true } : { ok: false, reason: `bad ${auth.header}` };
  }
  const expected = `${auth.prefix ?? ""}${createHmac("sha256", secret).update(rawBody).digest(auth.encoding)}`;
  return secretsEqual(presented.trim(), expected)
    ? { ok: true }
    : { ok: false, reason: `bad ${auth.header} signature` };
}
