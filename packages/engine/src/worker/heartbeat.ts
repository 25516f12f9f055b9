import type { Redis } from "ioredis";

export const HEARTBEAT_KEY = "hogsend:worker:last-seen";
const HEARTBEAT_TTL_SECONDS = 120;

/** Writes the worker's last-seen time to Redis every `intervalMs`, for /v1/health. */
export function startHeartbeat(redis: Redis, workerName: string, intervalMs = 10_000): { stop(): void } {
  const beat = () => {
    const now = new Date().toISOString();
    redis
      .multi()
      .set(HEARTBEAT_KEY, JSON.stringify({ worker: workerName, at: now }), "EX", HEARTBEAT_TTL_SECONDS)
      .exec()
      .catch(() => {
        // Redis down: health reports that already; the next beat retries.
      });
  };
  beat();
  const timer = setInterval(beat, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** The last heartbeat any worker wrote, or null. */
export async function readHeartbeat(redis: Redis): Promise<{ worker: string; at: string } | null> {
  const raw = await redis.get(HEARTBEAT_KEY);
  return raw ? (JSON.parse(raw) as { worker: string; at: string }) : null;
}
