/**
 * `pnpm infra up [--detach]`, `pnpm infra down`, `pnpm infra status`, `pnpm infra env`:
 * real Postgres, Redis and Hatchet for host-process development, without Docker.
 * Progress goes to stderr; `export` lines go to stdout, so `eval "$(pnpm -s infra env)"` works.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type HostState, startDetachedStack } from "./detached-stack.js";
import { existingServicesFromEnv } from "./env.js";
import { logStep } from "./log.js";
import { hogsendDir } from "./paths.js";
import { isAlive, stopPid } from "./process.js";
import { type StackEnv, type StartStackOptions, startStack } from "./stack.js";

const HELP = `Usage: pnpm infra <command>

Commands:
  up            start what is missing of Postgres, Redis and Hatchet; print export lines;
                run until Ctrl-C
  up --detach   the same in the background; returns once everything is ready
  down          stop the background infra started with --detach
  status        say whether background infra is running
  env           print the export lines of the running background infra

Services already given by DATABASE_URL, REDIS_URL or HATCHET_CLIENT_TOKEN are used, not started.
Data lives in .hogsend/dev/ and survives restarts.`;

const home = hogsendDir();
const stateDir = join(home, "dev");
const statePath = join(stateDir, "infra.json");
const logPath = join(stateDir, "infra.log");

const stackOptions = (): StartStackOptions => ({
  existing: existingServicesFromEnv(),
  homeDir: home,
  name: "dev",
  ephemeral: false,
  preferHostPorts: true,
  requireRedis: false,
});

function exportLines(env: StackEnv): string {
  return Object.entries(env)
    .map(([key, value]) => `export ${key}=${value}`)
    .join("\n");
}

async function readState(): Promise<HostState | undefined> {
  if (!existsSync(statePath)) return undefined;
  const state = JSON.parse(await readFile(statePath, "utf8")) as HostState;
  if (isAlive(state.pid)) return state;
  await rm(statePath, { force: true });
  return undefined;
}

async function up(): Promise<number> {
  const running = await readState();
  if (running) {
    logStep(`background infra already running (pid ${running.pid}); \`pnpm infra down\` stops it`);
    console.log(exportLines(running.env));
    return 0;
  }
  await mkdir(stateDir, { recursive: true });
  const stack = await startStack(stackOptions());
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logStep(`${signal}: stopping infra`);
    await stack.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  console.log(exportLines(stack.env));
  logStep("ready; run `pnpm db:migrate` with these variables, then the api. Ctrl-C stops everything.");
  // Keep the process alive until a signal arrives.
  setInterval(() => {}, 1 << 30);
  return new Promise<number>(() => {});
}

/** The same stack in the detached host (the one `pnpm dev` uses), left running in the background. */
async function detach(): Promise<number> {
  const running = await readState();
  if (running) {
    logStep(`background infra already running (pid ${running.pid})`);
    console.log(exportLines(running.env));
    return 0;
  }
  await mkdir(stateDir, { recursive: true });
  logStep(`starting background infra; log: ${logPath}`);
  const timeout = new Promise<undefined>((resolve) =>
    setTimeout(() => resolve(undefined), 15 * 60_000).unref(),
  );
  try {
    const stack = await Promise.race([
      startDetachedStack(stackOptions(), { stopWithParent: false, stateFile: statePath, logFile: logPath }),
      timeout,
    ]);
    if (!stack) {
      logStep(`background infra did not become ready in 15 minutes; see ${logPath}`);
      return 1;
    }
    stack.release();
    console.log(exportLines(stack.env));
    logStep(`ready (pid ${stack.pid}); \`pnpm infra down\` stops it`);
    return 0;
  } catch (err) {
    const tail = (await readFile(logPath, "utf8")).split("\n").slice(-20).join("\n");
    logStep(`background infra failed to start: ${(err as Error).message}\n${tail}`);
    return 1;
  }
}

async function down(): Promise<number> {
  const state = await readState();
  if (!state) {
    logStep("no background infra is running");
    return 0;
  }
  if (!(await stopPid(state.pid, { signal: "SIGTERM", graceMs: 60_000 })))
    logStep(`pid ${state.pid} did not stop within 60s; killed it (SIGKILL)`);
  await rm(statePath, { force: true });
  logStep("background infra stopped");
  return 0;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      detach: { type: "boolean", short: "d", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [command] = positionals;
  if (values.help || !command) {
    console.log(HELP);
    return values.help ? 0 : 1;
  }
  switch (command) {
    case "up":
      return values.detach ? detach() : up();
    case "down":
      return down();
    case "status": {
      const state = await readState();
      console.log(state ? `running (pid ${state.pid}, since ${state.startedAt})` : "not running");
      return 0;
    }
    case "env": {
      const state = await readState();
      if (!state) {
        logStep("no background infra is running; start it with `pnpm infra up --detach`");
        return 1;
      }
      console.log(exportLines(state.env));
      return 0;
    }
    default:
      console.error(`unknown command ${command}\n\n${HELP}`);
      return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    logStep(`failed: ${err.message}`);
    process.exit(1);
  },
);
