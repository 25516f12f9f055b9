import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { childEnv } from "../env.js";
import { getFreePort, preferPort } from "../free-port.js";
import { logStep, timed } from "../log.js";
import { run, startProcess, waitForUrl } from "../process.js";
import { HATCHET_ENGINE_TAG } from "./versions.js";

export interface LiteEngine {
  token: string;
  grpcAddress: string;
  apiUrl: string;
  dashboardUrl: string;
  stop(): Promise<void>;
}

export interface StartLiteOptions {
  binDir: string;
  /** URL of the engine's own database (timezone UTC, btree_gist available). */
  databaseUrl: string;
  /** Generated config and keys; persistent across restarts for `infra up`. */
  stateDir: string;
  grpcPort?: number | undefined;
  dashboardPort?: number | undefined;
}

const READY_TIMEOUT_MS = 120_000;

/** Migrates, seeds and starts hatchet-lite, then mints a tenant token. */
export async function startLite(options: StartLiteOptions): Promise<LiteEngine> {
  const grpcPort = await preferPort(options.grpcPort);
  const runtimePort = await preferPort(options.dashboardPort);
  const [apiPort, healthPort, frontendPort] = await Promise.all([
    getFreePort(),
    getFreePort(),
    getFreePort(),
  ]);
  const configDir = join(options.stateDir, "config");
  const staticDir = join(options.stateDir, "static");
  await mkdir(configDir, { recursive: true });
  await mkdir(staticDir, { recursive: true });
  // hatchet-lite serves a dashboard from this folder; the devstack build has none.
  await writeFile(
    join(staticDir, "index.html"),
    "<!doctype html><title>Hatchet</title><p>Hatchet engine (devstack build, no dashboard bundled).</p>",
  );
  const bin = (name: string) => join(options.binDir, name);
  const env = childEnv({
    DATABASE_URL: withSslDisabled(options.databaseUrl),
    SERVER_PORT: String(apiPort),
    SERVER_URL: `http://127.0.0.1:${apiPort}`,
    SERVER_GRPC_PORT: String(grpcPort),
    SERVER_GRPC_BIND_ADDRESS: "127.0.0.1",
    SERVER_GRPC_BROADCAST_ADDRESS: `127.0.0.1:${grpcPort}`,
    SERVER_GRPC_INSECURE: "t",
    SERVER_HEALTHCHECK_PORT: String(healthPort),
    SERVER_AUTH_COOKIE_DOMAIN: "localhost",
    SERVER_AUTH_COOKIE_INSECURE: "t",
    SERVER_AUTH_SET_EMAIL_VERIFIED: "t",
    SERVER_DEFAULT_ENGINE_VERSION: "V1",
    SERVER_MSGQUEUE_KIND: "postgres",
    SERVER_LOGGER_LEVEL: "warn",
    DATABASE_LOGGER_LEVEL: "warn",
    SERVER_ANALYTICS_POSTHOG_ENABLED: "f",
    // Each assignment to a worker that died and is not yet noticed (30 s without a heartbeat)
    // costs a task one internal retry; past the default 10 it fails for good, so a crash-looping
    // worker loses journeys (the chaos run measured it). The compose files set the same.
    SERVER_MAX_INTERNAL_RETRY_COUNT: "100",
    LITE_STATIC_ASSET_DIR: staticDir,
    LITE_FRONTEND_PORT: String(frontendPort),
    LITE_RUNTIME_PORT: String(runtimePort),
  });
  await timed("hatchet engine schema migrated", () =>
    run(bin("hatchet-migrate"), [], { env, timeoutMs: 5 * 60_000 }),
  );
  await run(
    bin("hatchet-admin"),
    ["quickstart", "--skip", "certs", "--generated-config-dir", configDir, "--overwrite=false"],
    { env, timeoutMs: 60_000 },
  );
  const engine = startProcess(bin("hatchet-lite"), ["--config", configDir], { env, outputCap: 8_000 });
  try {
    await timed(`hatchet-lite ${HATCHET_ENGINE_TAG} ready, gRPC on 127.0.0.1:${grpcPort}`, () =>
      waitForUrl(`http://127.0.0.1:${healthPort}/ready`, {
        process: engine,
        timeoutMs: READY_TIMEOUT_MS,
        requestTimeoutMs: 1_000,
        slow: {
          afterMs: 15_000,
          repeat: true,
          notify: () => logStep("still waiting for hatchet-lite to report ready…"),
        },
      }).catch((err: Error) => {
        throw new Error(`hatchet-lite ${err.message}:\n${engine.output()}`);
      }),
    );
    const { stdout } = await run(
      bin("hatchet-admin"),
      ["token", "create", "--config", configDir, "--name", `devstack-${Date.now()}`],
      { env, timeoutMs: 60_000 },
    );
    const token = stdout
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l.startsWith("eyJ"));
    if (!token) throw new Error(`hatchet-admin token create printed no token:\n${stdout}`);
    return {
      token,
      grpcAddress: `127.0.0.1:${grpcPort}`,
      apiUrl: `http://127.0.0.1:${apiPort}`,
      dashboardUrl: `http://127.0.0.1:${runtimePort}`,
      stop: async () => {
        await engine.stop("SIGTERM", 15_000);
      },
    };
  } catch (err) {
    await engine.stop("SIGTERM", 2_000);
    throw err;
  }
}

function withSslDisabled(url: string): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has("sslmode")) parsed.searchParams.set("sslmode", "disable");
  return parsed.toString();
}
