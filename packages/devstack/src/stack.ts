import { join } from "node:path";
import type { ExistingServices } from "./env.js";
import { type HatchetHandle, startHatchet } from "./hatchet/index.js";
import { clearStaleEngineState } from "./hatchet/stale-partitions.js";
import { logStep } from "./log.js";
import { type PostgresHandle, startPostgres } from "./postgres.js";
import { type RedisHandle, startRedis } from "./redis.js";

/** What an app needs to reach the stack: the env contract's connection variables. */
export interface StackEnv {
  DATABASE_URL: string;
  REDIS_URL?: string;
  HATCHET_CLIENT_TOKEN: string;
  HATCHET_CLIENT_HOST_PORT: string;
  HATCHET_CLIENT_TLS_STRATEGY: "none" | "tls";
}

export interface Stack {
  env: StackEnv;
  postgres: PostgresHandle;
  redis: RedisHandle | undefined;
  hatchet: HatchetHandle;
  stop(): Promise<void>;
}

export interface StartStackOptions {
  existing: ExistingServices;
  /** `.hogsend` */
  homeDir: string;
  /** Subfolder for this stack's data: `dev` for `pnpm infra`, a run id for tests. */
  name: string;
  /** Throwaway data (tests): faster Postgres settings. */
  ephemeral: boolean;
  /** Take the documented host ports (5434, 6380, 7077, 8888) when free. */
  preferHostPorts: boolean;
  /** Fail instead of continuing without Redis. */
  requireRedis: boolean;
  /** Database the app uses. */
  database?: string;
}

export const HOST_PORTS = { postgres: 5434, redis: 6380, hatchetGrpc: 7077, hatchetDashboard: 8888 };

/**
 * Starts whatever is missing of Postgres, Redis and Hatchet; stops what it started on failure.
 * In a separate process: startDetachedStack.
 */
export async function startStack(options: StartStackOptions): Promise<Stack> {
  const { existing } = options;
  const base = join(options.homeDir, options.name);
  const started: Array<{ stop(): Promise<void> }> = [];
  const stopAll = async () => {
    for (const service of started.reverse()) {
      await service.stop().catch((err) => logStep(`stop failed: ${String(err)}`));
    }
  };
  try {
    const postgres = await startPostgres({
      databaseUrl: existing.DATABASE_URL,
      dockerHost: existing.DOCKER_HOST,
      dataDir: join(base, "postgres"),
      port: options.preferHostPorts ? HOST_PORTS.postgres : undefined,
      ephemeral: options.ephemeral,
      database: options.database ?? "hogsend",
    });
    started.push(postgres);
    if (!existing.DATABASE_URL && !existing.HATCHET_CLIENT_TOKEN) {
      // This Postgres was just started here, so no engine runs on it: the partitions and leases
      // an earlier engine run left in its database may go, and the engine schedules at once.
      const cleared = await clearStaleEngineState(postgres.url("hatchet")).catch((err: Error) => {
        logStep(
          `could not clear the engine's stale partitions (${err.message}); first runs may wait a minute`,
        );
        return 0;
      });
      if (cleared > 0) logStep(`cleared ${cleared} partition and lease row(s) the previous engine run left`);
    }
    const redis = await startRedis({
      redisUrl: existing.REDIS_URL,
      dockerHost: existing.DOCKER_HOST,
      dir: join(base, "redis"),
      port: options.preferHostPorts ? HOST_PORTS.redis : undefined,
    });
    if (redis) started.push(redis);
    else if (options.requireRedis) {
      throw new Error(
        "No Redis: set REDIS_URL, start a Docker engine, or install redis-server (Debian: apt-get install redis-server)",
      );
    } else {
      logStep("no Redis found (REDIS_URL, Docker or redis-server): continuing without it");
    }
    const hatchet = await startHatchet({
      token: existing.HATCHET_CLIENT_TOKEN,
      hostPort: existing.HATCHET_CLIENT_HOST_PORT,
      embeddedBinaryPath: existing.HATCHET_CLIENT_EMBEDDED_BINARY_PATH,
      serverUrl: postgres.url(),
      homeDir: options.homeDir,
      stateName: join(options.name, "hatchet"),
      grpcPort: options.preferHostPorts ? HOST_PORTS.hatchetGrpc : undefined,
      dashboardPort: options.preferHostPorts ? HOST_PORTS.hatchetDashboard : undefined,
    });
    started.push(hatchet);
    const env: StackEnv = {
      DATABASE_URL: postgres.url(),
      HATCHET_CLIENT_TOKEN: hatchet.token,
      HATCHET_CLIENT_HOST_PORT: hatchet.hostPort,
      HATCHET_CLIENT_TLS_STRATEGY:
        hatchet.route === "external" && existing.HATCHET_CLIENT_TLS_STRATEGY !== "none" ? "tls" : "none",
    };
    if (redis) env.REDIS_URL = redis.url;
    return { env, postgres, redis, hatchet, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
