import { mkdir } from "node:fs/promises";
import { dockerEngineAvailable } from "./docker.js";
import { preferPort } from "./free-port.js";
import { logStep } from "./log.js";
import { hasCommand, startProcess } from "./process.js";

export type RedisSource = "env" | "docker" | "binary";

export interface RedisHandle {
  source: RedisSource;
  url: string;
  stop(): Promise<void>;
}

export interface StartRedisOptions {
  redisUrl?: string | undefined;
  dockerHost?: string | undefined;
  /** Working directory of the redis-server process. */
  dir: string;
  port?: number | undefined;
}

/** Redis from REDIS_URL, else a Docker container, else a `redis-server` binary on a free port. */
export async function startRedis(options: StartRedisOptions): Promise<RedisHandle | undefined> {
  if (options.redisUrl) return { source: "env", url: options.redisUrl, stop: async () => {} };
  if (await dockerEngineAvailable(options.dockerHost)) {
    const { GenericContainer, Wait } = await import("testcontainers");
    const container = await new GenericContainer("redis:8")
      .withExposedPorts(6379)
      .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
      .start();
    return {
      source: "docker",
      url: `redis://${container.getHost()}:${container.getMappedPort(6379)}`,
      stop: async () => {
        await container.stop();
      },
    };
  }
  if (!(await hasCommand("redis-server"))) return undefined;
  const port = await preferPort(options.port);
  await mkdir(options.dir, { recursive: true });
  const server = startProcess(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", options.dir],
    { outputCap: 8_000 },
  );
  try {
    await server.waitFor(/Ready to accept connections/, 60_000);
  } catch (err) {
    await server.stop("SIGKILL");
    throw new Error(`redis-server did not start: ${(err as Error).message}`);
  }
  logStep(`redis listening on 127.0.0.1:${port}`);
  return {
    source: "binary",
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      await server.stop("SIGTERM", 10_000);
    },
  };
}
