/**
 * A scripted `pnpm dev`: start it, fire the printed sample event, find the welcome email in the
 * outbox, stop it with SIGINT. It runs against the stack the global setup started (handed over
 * through DATABASE_URL, REDIS_URL and HATCHET_CLIENT_TOKEN, which `pnpm dev` uses instead of
 * starting anything), on a fresh database, an api port of its own and an isolated HOGSEND_HOME,
 * so it never meets a developer's own `pnpm dev`.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { getFreePort } from "@hogsend/devstack";
import {
  descendantPids as descendants,
  hasCommand,
  type RunningProcess,
  startProcess,
} from "@hogsend/devstack/process";
import { createTestDatabase, type TestDatabase, testStack } from "@hogsend/devstack/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");
const stack = testStack();
let db: TestDatabase;
let home: string;
const started: RunningProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase({ migrated: false });
  home = await mkdtemp(join(tmpdir(), "hogsend-dev-"));
});
afterAll(async () => {
  // Whatever a failed test left running: every process below each `pnpm dev`, then itself.
  for (const pid of devPids()) for (const p of [...descendants(pid), pid]) kill(p);
  for (const p of started) await p.stop("SIGKILL");
  await db?.drop();
  if (home) await rm(home, { recursive: true, force: true });
});

/** `pnpm dev` (its script, without pnpm around it) with the given flags. */
async function startDev(flags: string[] = []): Promise<RunningProcess> {
  const dev = startProcess(process.execPath, ["--import", "tsx", "tools/dev.ts", ...flags], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HOGSEND_HOME: home,
      HOGSEND_ENV_FILE: join(home, "no.env"),
      PORT: String(await getFreePort()),
      DATABASE_URL: db.url,
      REDIS_URL: stack.REDIS_URL,
      HATCHET_CLIENT_TOKEN: stack.HATCHET_CLIENT_TOKEN,
      HATCHET_CLIENT_HOST_PORT: stack.HATCHET_CLIENT_HOST_PORT,
      HATCHET_CLIENT_TLS_STRATEGY: stack.HATCHET_CLIENT_TLS_STRATEGY,
      // Its own namespace: the other suites' workers must not take this run's journeys.
      HATCHET_CLIENT_NAMESPACE: `${stack.HATCHET_CLIENT_NAMESPACE}_dev`,
    },
  });
  started.push(dev);
  return dev;
}

interface Banner {
  api: string;
  curl: string;
  ingestKey: string;
  admin: string;
  seconds: number;
}

function readBanner(output: string): Banner {
  const match = (re: RegExp) => {
    const found = re.exec(output)?.[1];
    if (!found) throw new Error(`no ${re} in the output of pnpm dev:\n${output}`);
    return found;
  };
  const api = match(/^ {2}API +(http:\/\/localhost:\d+)$/m);
  expect(output).toContain(`docs     ${api}/docs`);
  expect(output).toContain(`outbox   ${api}/v1/dev/outbox`);
  return {
    api,
    curl: match(/^(curl .+)$/m),
    ingestKey: match(/^ {2}ingest +(hsk_\S+)$/m),
    admin: match(/^ {2}studio +(admin@hogsend\.localhost \/ \S+)$/m),
    seconds: Number(match(/ready in ([\d.]+)s/)),
  };
}

/** Runs the printed `curl` line as a user would paste it (or the same request, where curl is missing). */
async function fireSampleEvent(banner: Banner): Promise<{ pushed: boolean }> {
  if (await hasCommand("curl"))
    return JSON.parse(execFileSync("bash", ["-c", banner.curl], { encoding: "utf8" }));
  const res = await fetch(`${banner.api}/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${banner.ingestKey}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "user_signed_up", email: `ada+${Date.now()}@example.com` }),
  });
  expect(res.status).toBe(202);
  return (await res.json()) as { pushed: boolean };
}

type OutboxItem = { to: string; subject: string; template: string | null };

async function waitForWelcome(api: string, count: number): Promise<OutboxItem[]> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const res = await fetch(`${api}/v1/dev/outbox`);
    const { items } = (await res.json()) as { items: OutboxItem[] };
    const welcomes = items.filter((i) => i.template === "welcome");
    if (welcomes.length >= count) return welcomes;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no welcome email #${count} in ${api}/v1/dev/outbox within 30s`);
}

const alive = (pid: number) => existsSync(`/proc/${pid}`);

async function stopAndCheck(dev: RunningProcess, pid: number) {
  const children = descendants(pid);
  expect(children.length).toBeGreaterThan(0);
  expect(await dev.stop("SIGINT")).toBe(0);
  const deadline = Date.now() + 5_000;
  while (children.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(children.filter(alive)).toEqual([]);
}

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
};

/** The `pnpm dev` processes this test file started and that still run. */
function devPids(): number[] {
  return descendants(process.pid).filter((pid) => cmdline(pid).includes("tools/dev.ts"));
}

function kill(pid: number) {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // gone
  }
}

/** The pid of the `pnpm dev` that printed this output (the newest one still running). */
function pidOf(dev: RunningProcess): number {
  expect(dev.output()).toContain("ready in");
  const pid = devPids().at(-1);
  if (!pid) throw new Error("pnpm dev is not running");
  return pid;
}

describe("pnpm dev", () => {
  let first: Banner;

  it("migrates, mints a key, starts api and worker, and the printed curl lands a welcome email", async () => {
    const dev = await startDev();
    await dev.waitFor(/Ctrl-C stops everything/, 60_000);
    const output = dev.output();
    first = readBanner(output);
    console.log(`[dev-command] pnpm dev healthy in ${first.seconds}s (fresh HOGSEND_HOME and database)`);
    expect(output).toMatch(/migrate: engine: applied/);
    expect(output).toMatch(/dev admin and ingest key minted/);
    const pid = pidOf(dev);
    expect((await stat(join(home, "dev", "ingest-key"))).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, "dev", "env"))).mode & 0o777).toBe(0o600);

    expect(await fireSampleEvent(first)).toMatchObject({ stored: true, pushed: true });
    const [welcome] = await waitForWelcome(first.api, 1);
    expect(welcome?.to).toMatch(/^ada\+\d+@example\.com$/);

    await stopAndCheck(dev, pid);
    expect(dev.output()).toMatch(/\[dev\] stopped/);
    expect(existsSync(join(home, "dev", "env"))).toBe(false);
  }, 90_000);

  it("re-uses the key and admin on restart; `pnpm worker` attaches to a `--no-worker` session", async () => {
    const api = await startDev(["--no-worker"]);
    await api.waitFor(/Ctrl-C stops everything/, 40_000);
    const second = readBanner(api.output());
    console.log(`[dev-command] pnpm dev --no-worker healthy in ${second.seconds}s (warm)`);
    expect(second.ingestKey).toBe(first.ingestKey);
    expect(second.admin).toBe(first.admin);
    expect(api.output()).toContain("run `pnpm worker` in another terminal");
    const apiPid = pidOf(api);

    const worker = await startDev(["--no-api"]);
    await worker.waitFor(/Ctrl-C stops everything/, 40_000);
    expect(worker.output()).toContain(`using the stack of the running pnpm dev (pid ${apiPid})`);

    expect(await fireSampleEvent(second)).toMatchObject({ pushed: true });
    await waitForWelcome(second.api, 2);

    expect(await worker.stop("SIGINT")).toBe(0);
    await stopAndCheck(api, apiPid);
  }, 90_000);
});
