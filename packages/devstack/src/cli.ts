/**
 * `pnpm infra up [--detach]`, `pnpm infra down`, `pnpm infra status`, `pnpm infra env`:
 * real Postgres, Redis and Hatchet for host-process development, without Docker.
 * Progress goes to stderr; `export` lines go to stdout, so `eval "$(pnpm -s infra env)"` works.
 */
import { spawn } from "node:child_process";
import { existsSync, openSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { existingServicesFromEnv } from "./env.js";
import { logStep } from "./log.js";
import { hogsendDir } from "./paths.js";
import { type StackEnv, startStack } from "./stack.js";

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

interface InfraState {
  pid: number;
  env: StackEnv;
  startedAt: string;
}

const home = hogsendDir();
const stateDir = join(home, "dev");
const statePath = join(stateDir, "infra.json");
const logPath = join(stateDir, "infra.log");

function exportLines(env: StackEnv): string {
  return Object.entries(env)
    .map(([key, value]) => `export ${key}=${value}`)
    .join("\n");
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function readState(): Promise<InfraState | undefined> {
  if (!existsSync(statePath)) return undefined;
  const state = JSON.parse(await readFile(statePath, "utf8")) as InfraState;
  if (alive(state.pid)) return state;
  await rm(statePath, { force: true });
  return undefined;
}

async function up(options: { child: boolean }): Promise<number> {
  const running = await readState();
  if (running) {
    logStep(`background infra already running (pid ${running.pid}); \`pnpm infra down\` stops it`);
    console.log(exportLines(running.env));
    return 0;
  }
  await mkdir(stateDir, { recursive: true });
  const stack = await startStack({
    existing: existingServicesFromEnv(),
    homeDir: home,
    name: "dev",
    ephemeral: false,
    preferHostPorts: true,
    requireRedis: false,
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logStep(`${signal}: stopping infra`);
    await stack.stop();
    if (options.child) await rm(statePath, { force: true });
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  if (options.child) {
    const state: InfraState = { pid: process.pid, env: stack.env, startedAt: new Date().toISOString() };
    await writeFile(statePath, JSON.stringify(state, null, 2));
  } else {
    console.log(exportLines(stack.env));
    logStep("ready; run `pnpm db:migrate` with these variables, then the api. Ctrl-C stops everything.");
  }
  // Keep the process alive until a signal arrives.
  setInterval(() => {}, 1 << 30);
  return new Promise<number>(() => {});
}

async function detach(): Promise<number> {
  const running = await readState();
  if (running) {
    logStep(`background infra already running (pid ${running.pid})`);
    console.log(exportLines(running.env));
    return 0;
  }
  await mkdir(stateDir, { recursive: true });
  const log = openSync(logPath, "a");
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), "up", "--child"],
    {
      detached: true,
      stdio: ["ignore", log, log],
    },
  );
  child.unref();
  logStep(`starting background infra (pid ${child.pid}); log: ${logPath}`);
  const deadline = Date.now() + 15 * 60_000;
  while (Date.now() < deadline) {
    const state = await readState();
    if (state) {
      console.log(exportLines(state.env));
      logStep("ready; `pnpm infra down` stops it");
      return 0;
    }
    if (child.exitCode !== null || (child.pid !== undefined && !alive(child.pid))) {
      const tail = (await readFile(logPath, "utf8")).split("\n").slice(-20).join("\n");
      logStep(`background infra failed to start:\n${tail}`);
      return 1;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  logStep(`background infra did not become ready in 15 minutes; see ${logPath}`);
  return 1;
}

async function down(): Promise<number> {
  const state = await readState();
  if (!state) {
    logStep("no background infra is running");
    return 0;
  }
  process.kill(state.pid, "SIGTERM");
  const deadline = Date.now() + 60_000;
  while (alive(state.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (alive(state.pid)) {
    logStep(`pid ${state.pid} did not stop within 60s; sending SIGKILL`);
    process.kill(state.pid, "SIGKILL");
  }
  await rm(statePath, { force: true });
  logStep("background infra stopped");
  return 0;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      detach: { type: "boolean", short: "d", default: false },
      child: { type: "boolean", default: false },
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
      return values.detach ? detach() : up({ child: values.child });
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
