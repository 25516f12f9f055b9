/**
 * `pnpm dev`: the embedded default. Starts what is missing of Postgres, Redis and Hatchet
 * (devstack, no Docker), keeps a dev BETTER_AUTH_SECRET in .hogsend/, runs both migration
 * tracks, then the api in watch mode. A `.env` pointing at real infrastructure is used instead.
 * Ctrl-C stops everything.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { existingServicesFromEnv, hogsendDir, isPortFree, startStack } from "@hogsend/devstack";

const root = resolve(import.meta.dirname, "../../..");
const tsx = join(root, "node_modules/.bin/tsx");
const log = (line: string) => process.stderr.write(`[dev] ${line}\n`);

if (existsSync(join(root, ".env"))) {
  process.loadEnvFile(join(root, ".env"));
  log("loaded .env");
}

async function devSecret(): Promise<string> {
  if (process.env.BETTER_AUTH_SECRET) return process.env.BETTER_AUTH_SECRET;
  const path = join(hogsendDir(root), "dev", "better-auth-secret");
  if (existsSync(path)) return (await readFile(path, "utf8")).trim();
  await mkdir(join(hogsendDir(root), "dev"), { recursive: true });
  const secret = randomBytes(32).toString("base64");
  await writeFile(path, `${secret}\n`, { mode: 0o600 });
  log(`generated a dev BETTER_AUTH_SECRET in ${path}`);
  return secret;
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<number | null> {
  return new Promise((resolve) => {
    spawn(tsx, args, { cwd: root, env, stdio: "inherit" }).once("close", resolve);
  });
}

const started = performance.now();
const stack = await startStack({
  existing: existingServicesFromEnv(),
  homeDir: hogsendDir(root),
  name: "dev",
  ephemeral: false,
  preferHostPorts: true,
  requireRedis: false,
});
let api: ChildProcess | undefined;
let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  if (api && api.exitCode === null) {
    api.kill("SIGTERM");
    await new Promise((r) => api?.once("close", r));
  }
  await stack.stop();
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

const port = Number(process.env.PORT ?? 3002);
if (!(await isPortFree(port))) {
  log(`port ${port} is taken; set PORT to another one`);
  await stop(1);
}
const env: NodeJS.ProcessEnv = {
  ...process.env,
  ...stack.env,
  NODE_ENV: process.env.NODE_ENV ?? "development",
  PORT: String(port),
  BETTER_AUTH_SECRET: await devSecret(),
};

if ((await run([join(root, "packages/db/src/migrate.ts")], env)) !== 0) {
  log("migrations failed; see above");
  await stop(1);
}

api = spawn(tsx, ["watch", "--clear-screen=false", join(root, "apps/api/src/index.ts")], {
  cwd: root,
  env,
  stdio: ["ignore", "pipe", "inherit"],
});
api.stdout?.on("data", (chunk: Buffer) => {
  process.stdout.write(chunk);
  if (chunk.toString().includes("api listening")) {
    const base = `http://localhost:${port}`;
    log(`ready in ${((performance.now() - started) / 1000).toFixed(1)}s`);
    log(`api      ${base}`);
    log(`health   ${base}/v1/health`);
    log(`openapi  ${base}/openapi.json`);
    if (stack.hatchet.dashboardUrl)
      log(`hatchet  ${stack.hatchet.dashboardUrl} (engine API; no dashboard bundled)`);
    log("Ctrl-C stops the api and the infra");
  }
});
api.once("close", (code) => {
  if (!stopping) {
    log(`api exited with ${code}`);
    void stop(code ?? 1);
  }
});
