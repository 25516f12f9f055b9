import type { EmailProvider } from "@hogsend/core";
import type { Queryable } from "@hogsend/db";
import { createPostmarkProvider } from "@hogsend/plugin-postmark";
import { createResendProvider } from "@hogsend/plugin-resend";
import { type EmailProviderId, type Env, resolveEmailProvider } from "../../env.js";
import { createOutboxProvider } from "./outbox-provider.js";

/**
 * Builds the provider the env selects. The env contract already checked that its key is set, so
 * a missing key here is a programming error, not an operator's.
 */
export function createEmailProvider(env: Env, db: Queryable): EmailProvider {
  const id: EmailProviderId = resolveEmailProvider(env);
  switch (id) {
    case "resend":
      return createResendProvider({
        apiKey: required(env.RESEND_API_KEY, "RESEND_API_KEY"),
        ...(env.RESEND_WEBHOOK_SECRET ? { webhookSecret: env.RESEND_WEBHOOK_SECRET } : {}),
        ...(env.RESEND_BASE_URL ? { baseUrl: env.RESEND_BASE_URL } : {}),
      });
    case "postmark":
      return createPostmarkProvider({
        serverToken: required(env.POSTMARK_SERVER_TOKEN, "POSTMARK_SERVER_TOKEN"),
        messageStream: env.POSTMARK_MESSAGE_STREAM,
        ...(env.POSTMARK_WEBHOOK_USER && env.POSTMARK_WEBHOOK_PASS
          ? { webhookBasicAuth: { username: env.POSTMARK_WEBHOOK_USER, password: env.POSTMARK_WEBHOOK_PASS } }
          : {}),
        ...(env.POSTMARK_BASE_URL ? { baseUrl: env.POSTMARK_BASE_URL } : {}),
      });
    case "outbox":
      return createOutboxProvider(db);
  }
}

function required(value: string | undefined, key: string): string {
  if (!value) throw new Error(`${key} is required for the selected email provider`);
  return value;
}
