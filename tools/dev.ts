/**
 * `pnpm dev`, the embedded default: Postgres, Redis (when a binary is at hand) and Hatchet from
 * devstack, or from a `.env` pointing at real infrastructure; both migration tracks; a dev Studio
 * admin and ingest key (kept in .hogsend/dev/); then the api and the worker under `tsx watch` with
 * the outbox provider, and, once both are up, the URLs and a `curl` that fires a sample event.
 * `--no-worker` runs the api only; `--no-api` (`pnpm worker`) the worker only, attached to the
 * running session's stack when there is one. Ctrl-C stops the children, then the stack.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  type DetachedStack,
  existingServicesFromEnv,
  getFreePort,
  hogsendDir,
  isPortFree,
  startDetachedStack,
} from "@hogsend/devstack";
import { isAlive, killGroup, waitForUrl } from "@hogsend/devstack/process";
import { DEV_HELP, type DevArgs, parseDevArgs } from "./dev/args.js";
import { banner } from "./dev/banner.js";
import { spawnWatched, type WatchedChild } from "./dev/children.js";
import { devPaths, devSecret, findRunningSession, removeSession, writeSession } from "./dev/state.js";

const root = resolve(import.meta.dirname, "..");
const log = (line: string) => process.stderr.write(`[dev] ${line}\n`);
// Seconds since this process started (performance.now() counts from there).
const elapsed = () => `${(performance.now() / 1000).toFixed(1)}s`;

let args: DevArgs;
try {
  args = parseDevArgs(process.argv.slice(2));
} catch (err) {
  console.error(`${(err as Error).message}\n\n${DEV_HELP}`);
  process.exit(64);
}
if (args.help) {
  console.log(DEV_HELP);
  process.exit(0);
}
// HOGSEND_ENV_FILE points elsewhere (tests: at nothing, so a developer's .env stays out).
const envFile = process.env.HOGSEND_ENV_FILE ? resolve(process.env.HOGSEND_ENV_FILE) : join(root, ".env");
if (existsSync(envFile)) {
  process.loadEnvFile(envFile);
  log(`loaded ${envFile}`);
}
// The engine takes seconds to load: fetched while the stack starts.
const migrations = import("./dev/migrate.js");
const studioBuilt = args.api
  ? import("./dev/studio-build.js").then(({ ensureStudioBuilt }) => ensureStudioBuilt(root, log))
  : Promise.resolve();
const credentialsModule = import("./dev/credentials.js");

const home = process.env.HOGSEND_HOME ? resolve(process.env.HOGSEND_HOME) : hogsendDir(root);
const paths = devPaths(home);
const coldStart = !existsSync(paths.dir);
const children: WatchedChild[] = [];
let stack: DetachedStack | undefined;
let ownsSession = false;
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    const names = children.map((c) => c.name).join(" and ");
    log(`stopping ${names ? `${names}, then ` : ""}the stack (Ctrl-C again forces)`);
    await Promise.all(children.map((c) => c.stop("SIGINT", 10_000)));
    if (ownsSession) await removeSession(paths);
    await stack?.stop();
    log("stopped");
    process.exit(code);
  }
  return new Promise<never>(() => {});
}

// The children and the stack run in process groups of their own, so a terminal's Ctrl-C reaches
// them through here, in order: children first, then the stack. A second one kills the children.
const killChildren = () => {
  for (const c of children) if (c.process.pid) killGroup(c.process.pid);
};
let firstSignalAt = 0;
const onSignal = (signal: NodeJS.Signals) => {
  if (!stopping) {
    firstSignalAt = Date.now();
    return void shutdown(0);
  }
  // One Ctrl-C can arrive twice (a wrapper relaying what the terminal also sent): not a second one.
  if (Date.now() - firstSignalAt < 1_000) return;
  log(`${signal} again: forcing`);
  killChildren();
  process.exit(130);
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);
process.on("exit", killChildren);

const port = args.api
  ? process.env.PORT
    ? Number(process.env.PORT)
    : args.freePorts
      ? await getFreePort()
      : 3002
  : undefined;
if (port !== undefined && !(await isPortFree(port))) {
  log(`port ${port} is taken (another pnpm dev?); set PORT, or pass --free-ports`);
  await shutdown(1);
}

// A running `pnpm dev` / `pnpm worker` or `pnpm infra up --detach` owns .hogsend/dev/: use its
// stack rather than starting a second Postgres on the same data folder.
const attached = await findRunningSession(paths);
let infra: Record<string, string | undefined>;
if (attached) {
  log(`using the stack of the running ${attached.owner} (pid ${attached.pid})`);
  infra = attached.env;
  setInterval(() => {
    if (!stopping && !isAlive(attached.pid)) {
      log(`the ${attached.owner} that owns the stack (pid ${attached.pid}) stopped`);
      void shutdown(1);
    }
  }, 1_000).unref();
} else {
  const started = await startDetachedStack(
    {
      existing: existingServicesFromEnv(),
      homeDir: home,
      name: "dev",
      ephemeral: false,
      preferHostPorts: !args.freePorts,
      requireRedis: false,
    },
    { stopWithParent: true, cwd: root },
  ).catch((err: Error) => {
    log(`could not start the stack: ${err.message}`);
    return shutdown(1);
  });
  stack = started;
  infra = { ...started.env };
  log(`stack ready (${elapsed()})`);
}

const secret =
  attached?.env.BETTER_AUTH_SECRET ||
  process.env.BETTER_AUTH_SECRET ||
  (await devSecret(paths.secret)).secret;
const shared: Record<string, string | undefined> = {
  ...infra,
  NODE_ENV: process.env.NODE_ENV ?? "development",
  BETTER_AUTH_SECRET: secret,
  EMAIL_PROVIDER: attached?.env.EMAIL_PROVIDER || process.env.EMAIL_PROVIDER || "outbox",
  HATCHET_CLIENT_NAMESPACE:
    infra.HATCHET_CLIENT_NAMESPACE || process.env.HATCHET_CLIENT_NAMESPACE || undefined,
};
if (!attached) {
  await writeSession(paths, shared);
  ownsSession = true;
}
const databaseUrl = shared.DATABASE_URL ?? "";

try {
  log("migrating: engine track, then client track");
  await (await migrations).migrateDev({
    databaseUrl,
    clientMigrationsDir: process.env.CLIENT_MIGRATIONS_DIR,
    log,
  });
  log(`migrated (${elapsed()})`);
} catch (err) {
  log(`migrations failed: ${(err as Error).message}`);
  if (stack?.postgresSource === "env")
    log("is DATABASE_URL (from .env or the shell) reachable? Unset it to let pnpm dev start Postgres itself");
  await shutdown(1);
}

const env: NodeJS.ProcessEnv = {
  ...process.env,
  ...shared,
  ...(port ? { PORT: String(port) } : {}),
  // This script mints and prints the dev ingest key (below, while the api boots).
  HOGSEND_BOOTSTRAP_API_KEY: "false",
  // Ctrl-C in dev should not wait the production default (25 s) for a step to finish.
  SHUTDOWN_GRACE_MS: process.env.SHUTDOWN_GRACE_MS || "5000",
};
const entries = [
  ...(args.api ? [{ name: "api", entry: "apps/api/src/index.ts" }] : []),
  ...(args.worker ? [{ name: "worker", entry: "apps/api/src/worker.ts" }] : []),
];
for (const { name, entry } of entries) {
  const child = spawnWatched({ name, entry: join(root, entry), root, env });
  children.push(child);
  void child.exited.then((code) => {
    if (stopping) return;
    log(`${name} (tsx watch) exited with ${code}`);
    void shutdown(code || 1);
  });
}

const credentials = args.api
  ? await (await credentialsModule)
      .ensureDevCredentials({ databaseUrl, secret, paths, mintAdmin: !process.env.STUDIO_ADMIN_EMAIL })
      .catch((err: Error) => {
        log(`could not mint the dev admin and ingest key: ${err.message}`);
        return shutdown(1);
      })
  : undefined;
if (credentials) {
  const what = credentials.ingestKeyCreated ? "minted" : "re-used";
  log(`dev admin and ingest key ${what} (${elapsed()})`);
}

const baseUrl = port ? `http://localhost:${port}` : undefined;
const worker = children.find((c) => c.name === "worker");
// A child that exits instead is handled above (shutdown): the banner never prints then.
const never = () => new Promise<never>(() => {});
await Promise.all([
  baseUrl &&
    waitForUrl(`${baseUrl}/v1/health`, {
      slow: { afterMs: 60_000, notify: () => log("the api is not healthy after 60s; see its output above") },
    }).then(() => log(`api healthy (${elapsed()})`)),
  worker?.process
    .waitFor(/worker \S+ ready/, Number.POSITIVE_INFINITY)
    .then(() => log(`worker ready (${elapsed()})`), never),
  studioBuilt,
]);
process.stdout.write(
  banner({
    baseUrl,
    seconds: performance.now() / 1000,
    coldStart,
    credentials,
    worker: worker ? "here" : "elsewhere",
    redis: Boolean(shared.REDIS_URL),
  }),
);
