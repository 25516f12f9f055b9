import { homedir } from "node:os";
import { join } from "node:path";

/** Connection settings already present in the environment; set ones are used, not started. */
export interface ExistingServices {
  DATABASE_URL?: string | undefined;
  REDIS_URL?: string | undefined;
  HATCHET_CLIENT_TOKEN?: string | undefined;
  HATCHET_CLIENT_HOST_PORT?: string | undefined;
  HATCHET_CLIENT_TLS_STRATEGY?: string | undefined;
  HATCHET_CLIENT_EMBEDDED_BINARY_PATH?: string | undefined;
  DOCKER_HOST?: string | undefined;
}

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

/**
 * The per-user cache the Hatchet engine binaries are built into, shared by every clone, keyed by
 * platform (the version is in each binary's folder name): `HOGSEND_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/hogsend`, else `~/.cache/hogsend`, then `bin/<platform>-<arch>`.
 */
export function userBinDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.HOGSEND_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "hogsend");
  return join(base, "bin", `${process.platform}-${process.arch}`);
}
