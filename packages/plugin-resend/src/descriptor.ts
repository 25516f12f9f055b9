import { credentialOf, type EmailProviderDescriptor } from "@hogsend/core";
import { createResendProvider, RESEND_RATE_LIMIT } from "./create-resend-provider.js";

/** Resend as the engine's registry knows it: env keys, factory and webhook dedupe key. */
export const resendEmailProvider: EmailProviderDescriptor = {
  id: "resend",
  credentialKey: "RESEND_API_KEY",
  rateLimit: RESEND_RATE_LIMIT,
  create: (env, options) =>
    createResendProvider({
      apiKey: credentialOf(env, "RESEND_API_KEY", options),
      ...(env.RESEND_WEBHOOK_SECRET ? { webhookSecret: env.RESEND_WEBHOOK_SECRET } : {}),
      ...(env.RESEND_BASE_URL ? { baseUrl: env.RESEND_BASE_URL } : {}),
    }),
  // Svix keeps the message id across retries; verification already required the header.
  webhookDedupeKey: (request, _event, index) =>
    `resend:${request.headers.get("svix-id") ?? request.headers.get("webhook-id")}:${index}`,
};
