import type { EmailProvider, EmailProviderDescriptor, ProviderEnv } from "@hogsend/core";
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
