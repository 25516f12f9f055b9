import type { ExistingServices } from "./stack.js";

/**
 * The environment for child processes (go, hatchet-lite): the parent's, plus overrides.
 * Go needs PATH, HOME and its GOPATH/GOCACHE/GOPROXY settings to build.
 */
export function childEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}

/** Services the caller already runs, read from the environment: set ones are used, not started. */
export function existingServicesFromEnv(env: NodeJS.ProcessEnv = process.env): ExistingServices {
  return {
    DATABASE_URL: env.DATABASE_URL || undefined,
    REDIS_URL: env.REDIS_URL || undefined,
    HATCHET_CLIENT_TOKEN: env.HATCHET_CLIENT_TOKEN || undefined,
    HATCHET_CLIENT_HOST_PORT: env.HATCHET_CLIENT_HOST_PORT || undefined,
    HATCHET_CLIENT_TLS_STRATEGY: env.HATCHET_CLIENT_TLS_STRATEGY || undefined,
    HATCHET_CLIENT_EMBEDDED_BINARY_PATH: env.HATCHET_CLIENT_EMBEDDED_BINARY_PATH || undefined,
    DOCKER_HOST: env.DOCKER_HOST || undefined,
  };
}
