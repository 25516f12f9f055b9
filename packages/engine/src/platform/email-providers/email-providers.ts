import type { EmailProvider, EmailProviderDescriptor, ProviderEnv, RateLimit } from "@hogsend/core";
import type { Queryable } from "@hogsend/db";
import { postmarkEmailProvider } from "@hogsend/plugin-postmark";
import { resendEmailProvider } from "@hogsend/plugin-resend";
import { type EmailProviderId, type Env, resolveEmailProvider } from "../../env.js";
import { createOutboxProvider } from "./outbox-provider.js";

/** The providers Hogsend can send through: one line per plugin. The dev outbox is not one. */
export const EMAIL_PROVIDERS: readonly EmailProviderDescriptor[] = [
  resendEmailProvider,
  postmarkEmailProvider,
];

/** The env as providers read it: the strings an operator set. */
export function providerEnvOf(env: Env): ProviderEnv {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
}

/**
 * Builds the provider the env selects. The env contract already checked that its credential is
 * set, so a missing one here is a programming error, not an operator's.
 */
export function createEmailProvider(env: Env, db: Queryable): EmailProvider {
  const id: EmailProviderId = resolveEmailProvider(env);
  if (id === "outbox") return createOutboxProvider(db);
  const descriptor = EMAIL_PROVIDERS.find((p) => p.id === id);
  if (!descriptor) throw new Error(`no email provider registered as ${id}`);
  return descriptor.create(providerEnvOf(env));
}

/**
 * The request limit of the selected provider's account: EMAIL_RATE_PER_SECOND and
 * EMAIL_RATE_BURST where set, each falling back to the provider's published default. Undefined
 * for the dev outbox, which has no limit. Build one rate scheduler from it per process.
 */
export function resolveEmailRateLimit(env: Env): RateLimit | undefined {
  const id = resolveEmailProvider(env);
  const descriptor = EMAIL_PROVIDERS.find((p) => p.id === id);
  if (!descriptor) return undefined;
  return {
    requestsPerSecond: env.EMAIL_RATE_PER_SECOND ?? descriptor.rateLimit.requestsPerSecond,
    burst: env.EMAIL_RATE_BURST ?? descriptor.rateLimit.burst,
  };
}
