import { credentialOf, type EmailProviderDescriptor } from "@hogsend/core";
import { createPostmarkProvider, POSTMARK_RATE_LIMIT } from "./create-postmark-provider.js";

/** Postmark as the engine's registry knows it: env keys, factory and webhook dedupe key. */
export const postmarkEmailProvider: EmailProviderDescriptor = {
  id: "postmark",
  credentialKey: "POSTMARK_SERVER_TOKEN",
  rateLimit: POSTMARK_RATE_LIMIT,
  create: (env, options) =>
    createPostmarkProvider({
      serverToken: credentialOf(env, "POSTMARK_SERVER_TOKEN", options),
      ...(env.POSTMARK_MESSAGE_STREAM ? { messageStream: env.POSTMARK_MESSAGE_STREAM } : {}),
      ...(env.POSTMARK_WEBHOOK_USER && env.POSTMARK_WEBHOOK_PASS
        ? { webhookBasicAuth: { username: env.POSTMARK_WEBHOOK_USER, password: env.POSTMARK_WEBHOOK_PASS } }
        : {}),
      ...(env.POSTMARK_BASE_URL ? { baseUrl: env.POSTMARK_BASE_URL } : {}),
    }),
  // Postmark sends no delivery id, and its numeric record `ID` exceeds 2^53 (JSON.parse rounds
  // neighbouring ids together): a record is its type, message, recipient and timestamp.
  webhookDedupeKey: (_request, event) =>
    `postmark:${event.providerEventType}:${event.providerMessageId}:${event.recipient}:${event.occurredAt.toISOString()}`,
};
