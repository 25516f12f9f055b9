import { createHash } from "node:crypto";
import { errorMessage, type PostHogLogger } from "./logger.js";
import { privateApiHost } from "./private-api-host.js";

/** Reads PostHog person properties by distinct id. */
export interface PostHogPersons {
  /**
   * The person's properties; undefined when PostHog has no such person or cannot be read
   * (logged), so a caller never fails because PostHog is down.
   */
  getProperties(distinctId: string): Promise<Record<string, unknown> | undefined>;
}

/** The two Redis commands the cache uses (an ioredis client fits). */
export interface PersonCacheRedis {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, mode: "EX", seconds: number): Promise<unknown>;
}

export interface PostHogPersonsOptions {
  /** Personal API key (`phx_…`) with the `person:read` scope. */
  personalApiKey: string;
  /** POSTHOG_HOST; a PostHog Cloud ingestion host is mapped to its API host (`privateApiHost`). */
  host: string;
  projectId: string;
  /** Shared cache across replicas; without it, a per-process cache (development). */
  redis?: PersonCacheRedis;
  /** How long a person's properties are cached (default 300 s). */
  ttlSeconds?: number;
  /** How long "no such person" is cached (default 60 s, at most ttlSeconds). */
  missTtlSeconds?: number;
  /** Deadline of one API request (default 3 s). */
  timeoutMs?: number;
  /** Redis key prefix (default `hogsend:posthog:person:`). */
  keyPrefix?: string;
  fetch?: typeof fetch;
  logger?: PostHogLogger;
}

type Lookup = { found: true; properties: Record<string, unknown> } | { found: false };

interface LookupCache {
  get(key: string): Promise<Lookup | undefined>;
  set(key: string, value: Lookup, ttlSeconds: number): Promise<void>;
}

const MEMORY_CACHE_MAX_ENTRIES = 10_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseLookup(raw: string | null | undefined): Lookup | undefined {
  if (!raw) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    if (!isRecord(value)) return undefined;
    if (value.found === false) return { found: false };
    if (value.found === true && isRecord(value.properties))
      return { found: true, properties: value.properties };
  } catch {
    // A value we cannot read is a miss.
  }
  return undefined;
}

function redisCache(redis: PersonCacheRedis, logger: PostHogLogger | undefined): LookupCache {
  return {
    async get(key) {
      try {
        return parseLookup(await redis.get(key));
      } catch (err) {
        logger?.warn("posthog person cache read failed", { error: errorMessage(err) });
        return undefined;
      }
    },
    async set(key, value, ttlSeconds) {
      try {
        await redis.set(key, JSON.stringify(value), "EX", ttlSeconds);
      } catch (err) {
        logger?.warn("posthog person cache write failed", { error: errorMessage(err) });
      }
    },
  };
}

function memoryCache(): LookupCache {
  const entries = new Map<string, { value: Lookup; expiresAt: number }>();
  return {
    async get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt > Date.now()) return entry.value;
      entries.delete(key);
      return undefined;
    },
    async set(key, value, ttlSeconds) {
      entries.delete(key);
      // Map keeps insertion order: the first key is the oldest.
      if (entries.size >= MEMORY_CACHE_MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
      entries.set(key, { value, expiresAt: Date.now() + ttlSeconds * 1000 });
    },
  };
}

/**
 * Person properties from PostHog's REST API (`GET /api/projects/:project_id/persons/?distinct_id=`,
 * personal API key), cached for `ttlSeconds` in Redis under a namespaced key. Concurrent reads of
 * one person share a request.
 */
export function createPostHogPersons(options: PostHogPersonsOptions): PostHogPersons {
  if (!options.personalApiKey) {
    throw new Error("createPostHogPersons: personalApiKey is required (POSTHOG_PERSONAL_API_KEY)");
  }
  if (!options.projectId) throw new Error("createPostHogPersons: projectId is required (POSTHOG_PROJECT_ID)");
  const { logger, personalApiKey, projectId } = options;
  const ttlSeconds = options.ttlSeconds ?? 300;
  const missTtlSeconds = Math.min(options.missTtlSeconds ?? 60, ttlSeconds);
  const timeoutMs = options.timeoutMs ?? 3_000;
  const keyPrefix = options.keyPrefix ?? "hogsend:posthog:person:";
  const doFetch = options.fetch ?? fetch;
  const endpoint = `${privateApiHost(options.host)}/api/projects/${encodeURIComponent(projectId)}/persons/`;
  const cache = options.redis ? redisCache(options.redis, logger) : memoryCache();
  const inflight = new Map<string, Promise<Record<string, unknown> | undefined>>();

  // Distinct ids are often emails: hash them so Redis keys carry no personal data.
  const cacheKey = (distinctId: string) =>
    `${keyPrefix}${projectId}:${createHash("sha256").update(distinctId).digest("base64url")}`;

  /** Undefined when PostHog could not answer (not cached, so the next read tries again). */
  async function lookup(distinctId: string): Promise<Lookup | undefined> {
    const warn = (reason: string) => logger?.warn("posthog person lookup failed", { reason });
    let response: Response;
    try {
      response = await doFetch(`${endpoint}?distinct_id=${encodeURIComponent(distinctId)}`, {
        headers: { authorization: `Bearer ${personalApiKey}`, accept: "application/json" },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      warn(errorMessage(err));
      return undefined;
    }
    if (!response.ok) {
      const detail = (await response.text().catch(() => "")).slice(0, 200);
      warn(`HTTP ${response.status}${detail ? `: ${detail}` : ""}`);
      return undefined;
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch (err) {
      warn(`unreadable answer: ${errorMessage(err)}`);
      return undefined;
    }
    if (!isRecord(body) || !Array.isArray(body.results)) {
      warn("the answer has no results list");
      return undefined;
    }
    const people = body.results.filter(isRecord);
    const person =
      people.find((p) => Array.isArray(p.distinct_ids) && p.distinct_ids.includes(distinctId)) ?? people[0];
    if (!person) return { found: false };
    return { found: true, properties: isRecord(person.properties) ? person.properties : {} };
  }

  async function read(distinctId: string, key: string): Promise<Record<string, unknown> | undefined> {
    const cached = await cache.get(key);
    if (cached) return cached.found ? cached.properties : undefined;
    const fresh = await lookup(distinctId);
    if (!fresh) return undefined;
    await cache.set(key, fresh, fresh.found ? ttlSeconds : missTtlSeconds);
    return fresh.found ? fresh.properties : undefined;
  }

  return {
    getProperties(distinctId) {
      if (!distinctId) return Promise.resolve(undefined);
      const key = cacheKey(distinctId);
      const pending = inflight.get(key);
      if (pending) return pending;
      const next = read(distinctId, key)
        .catch((err: unknown) => {
          logger?.warn("posthog person lookup failed", { reason: errorMessage(err) });
          return undefined;
        })
        .finally(() => inflight.delete(key));
      inflight.set(key, next);
      return next;
    },
  };
}
