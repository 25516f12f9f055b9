import type { NeutralEmailEvent, WebhookRequest } from "./events.js";
import type { EmailProvider } from "./provider.js";
import type { RateLimit } from "./rate-scheduler.js";

/** The env values a provider reads, as set (`undefined` when unset). */
export type ProviderEnv = Readonly<Record<string, string | undefined>>;

/**
 * What Hogsend knows about one email provider, kept in the provider's plugin. The engine holds a
 * list of descriptors; adding a provider is a new plugin, a registry line, and its env keys in
 * the one env schema (packages/engine/src/env.ts), where EMAIL_PROVIDER's ids and the
 * credential checks also live.
 */
export interface EmailProviderDescriptor {
  /** The value of EMAIL_PROVIDER, and the `:providerId` of its webhook route. */
  readonly id: string;
  /** The env key of its send credential: required when the provider is selected. */
  readonly credentialKey: string;
  /**
   * The provider's published request limit per account, the rate scheduler's default
   * (EMAIL_RATE_PER_SECOND and EMAIL_RATE_BURST override it). One batch request is one request.
   */
  readonly rateLimit: RateLimit;
  /**
   * Builds the adapter from env. `webhookOnly`: no send credential is needed, because the adapter
   * only verifies and parses webhooks (a deploy that switched providers still gets late ones).
   */
  create(env: ProviderEnv, options?: { webhookOnly?: boolean }): EmailProvider;
  /**
   * The provider's own identity of one webhook event, the same on every redelivery: the key of
   * its email_events row, so a redelivered webhook changes nothing.
   */
  webhookDedupeKey(request: WebhookRequest, event: NeutralEmailEvent, index: number): string;
}

/** The send credential, or an error naming the key; a placeholder when only webhooks are handled. */
export function credentialOf(
  env: ProviderEnv,
  key: string,
  options: { webhookOnly?: boolean } | undefined,
): string {
  const value = env[key];
  if (value) return value;
  if (options?.webhookOnly) return "webhook-only";
  throw new Error(`${key} is required for the selected email provider`);
}
