import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until a slot frees up; 0 when allowed. */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Counts one hit against `key` in a sliding window of `windowMs`. */
  hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult>;
}

// One round trip, atomic across API replicas. The clock is Redis's own (TIME), so replicas
// with skewed clocks still share one window.
const SLIDING_WINDOW_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, count, tonumber(oldest[2]) + window - now}
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return {1, count + 1, 0}
`;

/** A sliding-window limiter on a Redis sorted set per key. */
export function createRedisRateLimiter(redis: Redis, prefix = "hogsend:rl:"): RateLimiter {
  return {
    async hit(key, limit, windowMs) {
      const [allowed, count, retryMs] = (await redis.eval(
        SLIDING_WINDOW_LUA,
        1,
        `${prefix}${key}`,
        windowMs,
        limit,
        randomUUID(),
      )) as [number, number, number];
      return {
        allowed: allowed === 1,
        limit,
        remaining: Math.max(0, limit - count),
        retryAfterSeconds: allowed === 1 ? 0 : Math.max(1, Math.ceil(retryMs / 1000)),
      };
    },
  };
}

/** Development without Redis: the same window, in this process only. */
export function createMemoryRateLimiter(): RateLimiter {
  const hits = new Map<string, number[]>();
  return {
    async hit(key, limit, windowMs) {
      const now = Date.now();
      const recent = (hits.get(key) ?? []).filter((t) => t > now - windowMs);
      if (recent.length >= limit) {
        hits.set(key, recent);
        const oldest = recent[0] ?? now;
        return {
          allowed: false,
          limit,
          remaining: 0,
          retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)),
        };
      }
      recent.push(now);
      hits.set(key, recent);
      return { allowed: true, limit, remaining: limit - recent.length, retryAfterSeconds: 0 };
    },
  };
}
