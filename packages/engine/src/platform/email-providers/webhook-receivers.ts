import type { EmailProvider, NeutralEmailEvent, WebhookRequest } from "@hogsend/core";
import type { Env } from "../../env.js";
import { EMAIL_PROVIDERS, providerEnvOf } from "./email-providers.js";

/** A provider whose webhooks are served at POST /v1/webhooks/email/:providerId. */
export interface EmailWebhookReceiver {
  id: string;
  /** The adapter that verifies and parses; it never sends from here. */
  provider: EmailProvider;
  /** The provider's own identity of one event, the same on every redelivery. */
  dedupeKey(request: WebhookRequest, event: NeutralEmailEvent, index: number): string;
}

/** Provider ids that receive webhooks; the outbox receives none. */
export const EMAIL_WEBHOOK_PROVIDER_IDS = EMAIL_PROVIDERS.map((p) => p.id);

/**
 * One receiver per registered provider, the active one and the others alike: a deploy that
 * switched providers still gets late webhooks from the old one. Each is built from env by its
 * descriptor, so its webhook secret is read in one place; an unset secret leaves it refusing
 * everything (the adapters fail closed and name the env var).
 */
export function createEmailWebhookReceivers(
  env: Env,
  active: EmailProvider,
): Map<string, EmailWebhookReceiver> {
  const receivers = new Map<string, EmailWebhookReceiver>();
  for (const descriptor of EMAIL_PROVIDERS) {
    const provider =
      active.id === descriptor.id ? active : descriptor.create(providerEnvOf(env), { webhookOnly: true });
    receivers.set(descriptor.id, { id: descriptor.id, provider, dedupeKey: descriptor.webhookDedupeKey });
  }
  return receivers;
}
