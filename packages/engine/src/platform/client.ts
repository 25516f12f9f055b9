import { tmpdir } from "node:os";
import { join } from "node:path";
import { HatchetClient } from "@hatchet-dev/typescript-sdk/v1/index.js";
import {
  type ApiKeyVerifier,
  type Auth,
  createApiKeyVerifier,
  createAuth,
  createRedisSecondaryStorage,
  createSecretSink,
  type SecretSink,
} from "@hogsend/access";
import { type EmailProvider, hostPortFromHatchetToken } from "@hogsend/core";
import { createDb, type DbHandle } from "@hogsend/db";
import { createPostHogAnalytics, createPostHogPersons } from "@hogsend/plugin-posthog";
import { Redis } from "ioredis";
import { type Env, exportHatchetSdkEnv } from "../env.js";
import { createEmailProvider } from "./email-providers/email-providers.js";
import { createLogger, type Logger } from "./logger.js";
import { createMemoryRateLimiter, createRedisRateLimiter, type RateLimiter } from "./rate-limit.js";

/** Where Hogsend mirrors the events it emits itself (PostHog). */
export interface Analytics {
  /** Queues one event; never throws. */
  capture(event: {
    distinctId: string;
    event: string;
    properties?: Record<string, unknown>;
    timestamp?: Date;
    /** Deterministic per event, so a replay is one event downstream. */
    uuid?: string;
  }): void;
  /** Flushes what is queued, bounded in time; never throws. */
  shutdown(timeoutMs?: number): Promise<void>;
}

/** A person's properties in the analytics tool, by distinct id; undefined when unknown or unreadable. */
export interface PersonProperties {
  getProperties(distinctId: string): Promise<Record<string, unknown> | undefined>;
}

/** Everything a handler, task or probe needs, built once per process. */
export interface HogsendClient {
  env: Env;
  /** The run mode this process serves: `api`, `worker`, or a tool's own name. */
  role: string;
  version: string;
  startedAt: number;
  logger: Logger;
  db: DbHandle;
  /** Undefined only in development without REDIS_URL (production requires it). */
  redis: Redis | undefined;
  hatchet: HatchetClient;
  /** gRPC address of the engine, for the health probe. */
  hatchetHostPort: string;
  auth: Auth;
  /** Verifies `hsk_` keys, caching verified ones for API_KEY_CACHE_TTL_MS. */
  apiKeys: ApiKeyVerifier;
  /** Where boot-time generated secrets are shown once (a terminal or a 0600 file), never logs. */
  secrets: SecretSink;
  /** Redis-backed in production, so limits hold across replicas; in-process otherwise. */
  rateLimiter: RateLimiter;
  /** Public base URL of the api. */
  publicUrl: string;
  /** The email provider EMAIL_PROVIDER selects (the outbox in dev without a provider key). */
  email: EmailProvider;
  /** PostHog capture of `email.*` / `journey.*` events; set when POSTHOG_API_KEY is. */
  analytics?: Analytics;
  /**
   * PostHog person properties for `person.*` journey conditions, cached in Redis; set when
   * POSTHOG_PERSONAL_API_KEY and POSTHOG_PROJECT_ID are.
   */
  persons?: PersonProperties;
  /** Flushes analytics, then closes the pool and Redis. */
  close(): Promise<void>;
}

export interface HogsendClientOptions {
  version: string;
  /** Name in logs and Postgres application_name: `api`, `worker`. */
  role: string;
  logger?: Logger;
}

/** The composition root: the db pool, Redis, the Hatchet client, PostHog and the logger, once. */
export function createHogsendClient(env: Env, options: HogsendClientOptions): HogsendClient {
  const logger =
    options.logger ??
    createLogger({ level: env.LOG_LEVEL, json: env.NODE_ENV === "production" }, { role: options.role });
  const db = createDb(env.DATABASE_URL, {
    applicationName: `hogsend-${options.role}`,
    statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
  });
  const redis = env.REDIS_URL
    ? new Redis(env.REDIS_URL, {
        // Commands issued while (re)connecting wait for one attempt, then fail instead of
        // queueing indefinitely: health reports Redis down, callers decide what to do.
        maxRetriesPerRequest: 1,
        connectTimeout: 2_000,
      })
    : undefined;
  if (redis) {
    let lastError = "";
    redis.on("error", (err: Error) => {
      // ioredis emits on every reconnect attempt; log each distinct failure once.
      if (err.message !== lastError) logger.warn("redis connection error", { error: err.message });
      lastError = err.message;
    });
    redis.on("ready", () => {
      lastError = "";
    });
  } else {
    logger.warn("REDIS_URL is not set: running without Redis (development only)");
  }
  const hatchetHostPort = env.HATCHET_CLIENT_HOST_PORT ?? hostPortFromHatchetToken(env.HATCHET_CLIENT_TOKEN);
  // Before the SDK opens its channels: it reads their compression from the process environment.
  exportHatchetSdkEnv(env);
  const hatchet = HatchetClient.init({
    token: env.HATCHET_CLIENT_TOKEN,
    host_port: hatchetHostPort,
    tls_config: { tls_strategy: env.HATCHET_CLIENT_TLS_STRATEGY },
    ...(env.HATCHET_CLIENT_NAMESPACE ? { namespace: env.HATCHET_CLIENT_NAMESPACE } : {}),
    log_level: env.LOG_LEVEL === "debug" ? "DEBUG" : "WARN",
  });
  const publicUrl = (env.API_PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, "");
  const authUrl = env.BETTER_AUTH_URL ?? publicUrl;
  const auth = createAuth({
    db: db.db,
    secret: env.BETTER_AUTH_SECRET,
    baseURL: authUrl,
    trustedOrigins: [
      new URL(authUrl).origin,
      ...(env.BETTER_AUTH_TRUSTED_ORIGINS ?? "")
        .split(",")
        .map((o) => o.trim())
        .filter(Boolean),
    ],
    ...(redis ? { secondaryStorage: createRedisSecondaryStorage(redis) } : {}),
    secureCookies: authUrl.startsWith("https://"),
  });
  const apiKeys = createApiKeyVerifier(db.db, { ttlMs: env.API_KEY_CACHE_TTL_MS });
  const rateLimiter = redis ? createRedisRateLimiter(redis) : createMemoryRateLimiter();
  const email = createEmailProvider(env, db.db);
  const posthogLogger = logger.child({ component: "posthog" });
  const analytics = env.POSTHOG_API_KEY
    ? createPostHogAnalytics({ apiKey: env.POSTHOG_API_KEY, host: env.POSTHOG_HOST, logger: posthogLogger })
    : undefined;
  const persons =
    env.POSTHOG_PERSONAL_API_KEY && env.POSTHOG_PROJECT_ID
      ? createPostHogPersons({
          personalApiKey: env.POSTHOG_PERSONAL_API_KEY,
          projectId: env.POSTHOG_PROJECT_ID,
          host: env.POSTHOG_HOST,
          redis,
          logger: posthogLogger,
        })
      : undefined;
  let closing: Promise<void> | undefined;
  return {
    env,
    role: options.role,
    version: options.version,
    startedAt: Date.now(),
    logger,
    db,
    redis,
    hatchet,
    hatchetHostPort,
    auth,
    apiKeys,
    secrets: createSecretSink({
      file: env.HOGSEND_SECRETS_FILE ?? join(tmpdir(), "hogsend-first-boot-secrets"),
    }),
    rateLimiter,
    publicUrl,
    email,
    ...(analytics ? { analytics } : {}),
    ...(persons ? { persons } : {}),
    close: () => {
      closing ??= (async () => {
        // Flush what is queued for PostHog first, while the process can still send it.
        await analytics?.shutdown().catch(() => {});
        await Promise.allSettled([db.close(), redis ? closeRedis(redis) : undefined]);
      })();
      return closing;
    },
  };
}

/** QUIT waits for the server's reply; a hung server must not hang shutdown. */
async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status !== "ready") {
    redis.disconnect();
    return;
  }
  const timer = setTimeout(() => redis.disconnect(), 2_000);
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  } finally {
    clearTimeout(timer);
  }
}
