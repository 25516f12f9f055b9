import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { parseEnv } from "node:util";
import { isAlive } from "@hogsend/devstack/process";

/** Files `pnpm dev` keeps in `.hogsend/dev/`: stable across restarts, git-ignored, secrets 0600. */
export interface DevPaths {
  dir: string;
  secret: string;
  admin: string;
  ingestKey: string;
  /** The running session's env, for `pnpm worker` and shells. */
  session: string;
  /** `pnpm infra up --detach` state. */
  infra: string;
}

export function devPaths(home: string): DevPaths {
  const dir = join(home, "dev");
  return {
    dir,
    secret: join(dir, "better-auth-secret"),
    admin: join(dir, "studio-admin.json"),
    ingestKey: join(dir, "ingest-key"),
    session: join(dir, "env"),
    infra: join(dir, "infra.json"),
  };
}

/** Writes a file only its owner can read (mode 0600 also when it already existed). */
export async function writePrivate(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content, { mode: 0o600 });
  await chmod(path, 0o600);
}

export async function readTrimmed(path: string): Promise<string | undefined> {
  if (!existsSync(path)) return undefined;
  const value = (await readFile(path, "utf8")).trim();
  return value || undefined;
}

/** The dev BETTER_AUTH_SECRET, generated once; api and worker must share it (signed links). */
export async function devSecret(path: string): Promise<{ secret: string; created: boolean }> {
  const stored = await readTrimmed(path);
  if (stored) return { secret: stored, created: false };
  const secret = randomBytes(32).toString("base64");
  await writePrivate(path, `${secret}\n`);
  return { secret, created: true };
}

/** Infra someone else runs: a `pnpm dev` session, or `pnpm infra up --detach`. */
export interface RunningSession {
  pid: number;
  owner: "pnpm dev" | "pnpm infra";
  env: Record<string, string>;
}

const PID_KEY = "HOGSEND_DEV_PID";

/** The live session whose infra this process should use instead of starting its own. */
export async function findRunningSession(paths: DevPaths): Promise<RunningSession | undefined> {
  if (existsSync(paths.session)) {
    const { [PID_KEY]: pid, ...env } = parseEnv(await readFile(paths.session, "utf8"));
    if (pid && isAlive(Number(pid))) return { pid: Number(pid), owner: "pnpm dev", env: clean(env) };
  }
  if (existsSync(paths.infra)) {
    const state = JSON.parse(await readFile(paths.infra, "utf8")) as {
      pid: number;
      env: Record<string, string>;
    };
    if (isAlive(state.pid)) return { pid: state.pid, owner: "pnpm infra", env: state.env };
  }
  return undefined;
}

function clean(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => Boolean(e[1])));
}

/** Publishes this session's env (0600) so `pnpm worker` and shells can reach the same stack. */
export async function writeSession(paths: DevPaths, env: Record<string, string | undefined>): Promise<void> {
  const lines = Object.entries({ [PID_KEY]: String(process.pid), ...env })
    .filter(([, value]) => value !== undefined && value !== "")
    .map(([key, value]) => `${key}=${value}`);
  await writePrivate(
    paths.session,
    [
      `# The env of the running \`pnpm dev\` (pid ${process.pid}); removed when it stops.`,
      "# `pnpm worker` attaches to it; in a shell: set -a; . .hogsend/dev/env; set +a",
      ...lines,
      "",
    ].join("\n"),
  );
}

/** Removes the session file if it is still this process's. */
export async function removeSession(paths: DevPaths): Promise<void> {
  if (!existsSync(paths.session)) return;
  const env = parseEnv(await readFile(paths.session, "utf8"));
  if (env[PID_KEY] === String(process.pid)) await rm(paths.session, { force: true });
}
