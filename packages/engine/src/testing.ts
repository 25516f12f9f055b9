import type { ProvidedStack } from "@hogsend/devstack/testing";
import { type Env, readEnv } from "./env.js";

/** A valid env for tests, pointed at the run's stack, with overrides (undefined unsets). */
export function testEnv(stack: ProvidedStack, overrides: Record<string, string | undefined> = {}): Env {
  const source: Record<string, string | undefined> = {
    NODE_ENV: "test",
    LOG_LEVEL: "error",
    DATABASE_URL: stack.DATABASE_URL,
    REDIS_URL: stack.REDIS_URL,
    BETTER_AUTH_SECRET: "test-secret-test-secret-test-secret-42",
    HATCHET_CLIENT_TOKEN: stack.HATCHET_CLIENT_TOKEN,
    HATCHET_CLIENT_HOST_PORT: stack.HATCHET_CLIENT_HOST_PORT,
    HATCHET_CLIENT_TLS_STRATEGY: stack.HATCHET_CLIENT_TLS_STRATEGY,
    HATCHET_CLIENT_NAMESPACE: stack.HATCHET_CLIENT_NAMESPACE,
    EMAIL_FROM: "Hogsend Tests <tests@hogsend.test>",
    // Production requires a provider key; point it at a closed local port so no test mail can
    // leave the machine. Without NODE_ENV=production the outbox provider is in effect.
    ...(overrides.NODE_ENV === "production"
      ? { RESEND_API_KEY: "re_test_key", RESEND_BASE_URL: "http://127.0.0.1:9" }
      : {}),
    ...overrides,
  };
  const result = readEnv(source);
  if (!result.ok) throw new Error(`test env invalid: ${JSON.stringify(result.issues)}`);
  return result.env;
}
