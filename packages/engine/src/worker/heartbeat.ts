import { hostname } from "node:os";
import type { Redis } from "ioredis";

/**
 * Every worker instance scores itself in one sorted set with the time it last beat, so the api can
 * report the newest beat and how many instances are live without SCANning keys. The set is per
 * Hatchet namespace: tenants sharing a Redis see only their own workers.
 */
export function heartbeatKey(namespace: string | undefined): string {
  return `hogsend:${namespace || "default"}:workers:last-seen`;
}
export const HEARTBEAT_INTERVAL_MS = 10_000;
/** Three missed beats and an instance no longer counts as live. */
export const WORKER_STALE_AFTER_MS = 3 * HEARTBEAT_INTERVAL_MS;
/** Instances silent this long are forgotten, so the set stays small across deploys. */
const FORGET_AFTER_MS = 24 * 60 * 60 * 1000;

export interface WorkerHeartbeats {
  /** The newest beat of any instance, or null when none ever beat (or all were forgotten). */
  lastSeenAt: Date | null;
  /** Instances that beat within WORKER_STALE_AFTER_MS. */
  live: number;
}

/** A name unique to this process: the worker name, the host and the pid. */
export function workerInstanceId(workerName: string): string {
  return `${workerName}@${hostname()}:${process.pid}`;
}

/** Beats at once and then every `intervalMs`; `stop()` removes this instance from the set. */
export function startHeartbeat(
  redis: Redis,
  key: string,
  instanceId: string,
  intervalMs = HEARTBEAT_INTERVAL_MS,
): { stop(): Promise<void> } {
  const beat = () => {
    const now = Date.now();
    redis
      .multi()
      .zadd(key, now, instanceId)
      .zremrangebyscore(key, "-inf", now - FORGET_AFTER_MS)
      .exec()
      .catch(() => {
        // Redis down: health reports that already; the next beat retries.
      });
  };
  beat();
  const timer = setInterval(beat, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      // A clean stop leaves at once; a crashed instance ages out after WORKER_STALE_AFTER_MS.
      await redis.zrem(key, instanceId).catch(() => {});
    },
  };
}

export async function readHeartbeats(redis: Redis, key: string, now = Date.now()): Promise<WorkerHeartbeats> {
  const [newest, live] = await Promise.all([
    redis.zrange(key, -1, -1, "WITHSCORES"),
    redis.zcount(key, now - WORKER_STALE_AFTER_MS, "+inf"),
  ]);
  const score = newest[1];
  return { lastSeenAt: score === undefined ? null : new Date(Number(score)), live };
}
