import type { BetterAuthOptions } from "better-auth";

type SecondaryStorage = NonNullable<BetterAuthOptions["secondaryStorage"]>;

import type { Redis } from "ioredis";

const INCREMENT_LUA = `
local v = redis.call('INCR', KEYS[1])
if v == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return v
`;

/**
 * Better Auth's secondary storage on Redis: sessions, reset tokens and auth rate-limit
 * counters shared by every API replica.
 */
export function createRedisSecondaryStorage(redis: Redis, prefix = "hogsend:auth:"): SecondaryStorage {
  const k = (key: string) => `${prefix}${key}`;
  return {
    get: (key) => redis.get(k(key)),
    getAndDelete: (key) => redis.getdel(k(key)),
    // The TTL applies on creation only, so a counter expires a fixed window after its first hit.
    increment: async (key, ttl) =>
      Number(await redis.eval(INCREMENT_LUA, 1, k(key), Math.max(1, Math.ceil(ttl)))),
    set: async (key, value, ttl) => {
      if (ttl && ttl > 0) await redis.set(k(key), value, "EX", Math.ceil(ttl));
      else await redis.set(k(key), value);
    },
    delete: async (key) => {
      await redis.del(k(key));
    },
  };
}
