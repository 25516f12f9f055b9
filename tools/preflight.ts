/**
 * `pnpm preflight`: the image, rehearsed without Docker. Builds the api, assembles the
 * production-only tree the Dockerfile's runtime stage holds (the same assemble-runtime.ts the
 * Dockerfile runs), checks that no dev-only package is reachable from it, then runs the three run
 * modes from it against devstack the way an orchestrator would: migrate, then api and worker,
 * then SIGTERM to both. Prints a PASS/FAIL summary with timings; exits 1 on failure.
 *
 *   pnpm preflight [--skip-build] [--out <dir>]
 *
 * The tree goes to the OS temp folder, not under the repo: Node looks for packages in every
 * node_modules above a file, so a tree inside the checkout would quietly see the repo's dev
 * dependencies. Devstack data and the run modes' logs go to .hogsend/preflight/.
 */
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { createApiKey } from "@hogsend/access";
import { createDb } from "@hogsend/db";
import {
  ensureDatabase,
  existingServicesFromEnv,
  getFreePort,
  hogsendDir,
  type Stack,
  startStack,
} from "@hogsend/devstack";
import { descendantPids, type RunningProcess, run, runToExit, startProcess } from "@hogsend/devstack/process";
import postgres from "postgres";
import { assembleRuntime, IMAGE_APP_DIR } from "./assemble-runtime.js";

const HELP = `Usage: pnpm preflight [--skip-build] [--out <dir>] [--image <name>]

Builds the api, assembles the image's production-only tree and runs migrate, api and worker from
it against devstack (Postgres, Redis, Hatchet; DATABASE_URL, REDIS_URL and HATCHET_CLIENT_TOKEN
are used when set): migrate twice at once, api and worker healthy, an event enrolling a journey,
the CLI, SIGTERM to both.

  --skip-build     use the existing apps/api/dist
  --out <dir>      where to assemble the tree (default: a folder in the OS temp dir); it must not
                   sit below any node_modules folder, or the isolation check fails
  --image <name>   run the same checks inside a built image instead (buildah run, host network;
                   \`pnpm image:smoke\`), plus: the api cannot write under /app`;

/** Packages only development needs: none may be reachable from the tree. */
const DEV_ONLY = [
  "vitest",
  "vite",
  "tsup",
  "typescript",
  "@biomejs/biome",
  "turbo",
  "drizzle-kit",
  "@hogsend/devstack",
  "@hogsend/testing",
];
const READY_TIMEOUT_MS = 90_000;

const root = resolve(import.meta.dirname, "..");
/** The run modes exactly as every deploy target writes them, run from the tree's root. */
const RUN_MODES = JSON.parse(readFileSync(join(root, "deploy/run-modes.json"), "utf8")) as Record<
  "api" | "worker" | "migrate",
  string[]
>;
const { values: flags } = parseArgs({
  options: {
    "skip-build": { type: "boolean", default: false },
    out: { type: "string" },
    image: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (flags.help) {
  console.log(HELP);
  process.exit(0);
}

const log = (line: string) => process.stderr.write(`[preflight] ${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
const runId = `preflight_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
const out = flags.out
  ? resolve(flags.out)
  : join(tmpdir(), `hogsend-preflight-${createHash("sha256").update(root).digest("hex").slice(0, 8)}`);
/** With --image: the built image the run modes run in, each in a container of its own. */
const image = flags.image;
const home = join(hogsendDir(root), "preflight");
const logDir = join(home, "logs");

interface StepResult {
  name: string;
  ms: number;
  ok: boolean;
  detail: string;
}
const steps: StepResult[] = [];

/** A failed step: what went wrong, what to do about it, and the output that explains it. */
class StepFailure extends Error {
  constructor(
    message: string,
    readonly next: string,
    readonly output = "",
  ) {
    super(message);
  }
}

async function step(name: string, fn: () => Promise<string>): Promise<void> {
  log(`▸ ${name}`);
  const started = performance.now();
  try {
    const detail = await fn();
    steps.push({ name, ms: performance.now() - started, ok: true, detail });
    log(`✓ ${name} (${seconds(performance.now() - started)})${detail ? `: ${detail}` : ""}`);
  } catch (err) {
    steps.push({ name, ms: performance.now() - started, ok: false, detail: (err as Error).message });
    throw err;
  }
}

// ── child processes ──────────────────────────────────────────────────────────────────────────

interface ModeProcess extends RunningProcess {
  name: string;
}
const children: ModeProcess[] = [];

/**
 * The environment the image gives a run mode: its Dockerfile ENV (NODE_ENV, the tree's .bin on
 * PATH) and nothing from this shell, so neither NODE_PATH nor the repo's node_modules/.bin leak in.
 */
function imageEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const path = [
    join(out, "node_modules/.bin"),
    dirname(process.execPath),
    "/usr/local/bin",
    "/usr/bin",
    "/bin",
  ];
  return { PATH: path.join(delimiter), HOME: process.env.HOME ?? tmpdir(), NODE_ENV: "production", ...extra };
}

const containers: string[] = [];

async function startMode(
  name: string,
  command: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<ModeProcess> {
  const logFile = join(logDir, `${name}.log`);
  if (!image) {
    const [bin, ...args] = command as [string, ...string[]];
    const mode = { name, ...startProcess(bin, args, { cwd: out, env, logFile, outputCap: 8_000 }) };
    children.push(mode);
    return mode;
  }
  // One container per run mode, as an orchestrator runs them; the image's own PATH, user and
  // WORKDIR, and only the variables a deploy would set.
  const container = (await run("buildah", ["from", "--quiet", image])).stdout.trim();
  containers.push(container);
  const envArgs = Object.entries(env)
    .filter(([key]) => key !== "PATH" && key !== "HOME" && key !== "NODE_ENV")
    .flatMap(([key, value]) => ["--env", `${key}=${value}`]);
  const proc = startProcess(
    "buildah",
    ["run", "--isolation", "chroot", "--network", "host", ...envArgs, container, "--", ...command],
    { cwd: root, logFile, outputCap: 8_000 },
  );
  const mode: ModeProcess = {
    ...proc,
    name,
    // `buildah run` kills its child on a signal instead of passing it on: signal the run mode's
    // own process (the deepest below buildah), as a container runtime would.
    async stop(signal = "SIGTERM", graceMs = 30_000) {
      if (!proc.running()) return proc.exited;
      const inner = proc.pid === undefined ? undefined : descendantPids(proc.pid).at(-1);
      if (inner === undefined) return proc.stop(signal, graceMs);
      process.kill(inner, signal);
      const code = await withTimeout(proc.exited, graceMs);
      return code === undefined && proc.running() ? proc.stop("SIGKILL") : proc.exited;
    },
  };
  children.push(mode);
  return mode;
}

function killChildren() {
  for (const mode of children) void mode.stop("SIGKILL");
}

// ── the rehearsal ────────────────────────────────────────────────────────────────────────────

let stack: Stack | undefined;
let externalDatabase: { adminUrl: string; name: string } | undefined;
async function cleanup() {
  killChildren();
  for (const container of containers.splice(0)) await runToExit("buildah", ["rm", container]).catch(() => {});
  if (externalDatabase) {
    const sql = postgres(externalDatabase.adminUrl, { max: 1, onnotice: () => {} });
    await sql.unsafe(`drop database if exists "${externalDatabase.name}" with (force)`).catch(() => {});
    await sql.end();
  }
  await stack?.stop();
  await rm(join(home, runId), { recursive: true, force: true });
}
process.once("SIGINT", () => {
  log("interrupted: stopping what was started");
  void cleanup().finally(() => process.exit(130));
});

const started = performance.now();
let failure: StepFailure | Error | undefined;
try {
  await mkdir(logDir, { recursive: true });
  await rehearse();
} catch (err) {
  failure = err as Error;
} finally {
  await cleanup();
}
summarize();
process.exit(failure ? 1 : 0);

/** The tree itself: the build, its assembly, and that no dev-only package is reachable from it. */
async function assembleAndCheckTree() {
  if (!flags["skip-build"]) {
    await step("build", async () => {
      for (const pkg of ["@hogsend/api", "@hogsend/studio"]) {
        const result = await runCaptured("pnpm", ["--filter", pkg, "build"], root);
        if (result.code !== 0) {
          throw new StepFailure(
            `pnpm --filter ${pkg} build exited with ${result.code}`,
            `fix the build error above; \`pnpm --filter ${pkg} build\` reproduces it`,
            result.output,
          );
        }
      }
      return "apps/api/dist/index.js, apps/api/dist/worker.js, apps/studio/dist";
    });
  }

  await step("assemble", async () => {
    // The image gets pnpm from npm at the packageManager pin; another version may lay out
    // node_modules differently.
    const pinned = (
      JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { packageManager?: string }
    ).packageManager?.split("@")[1];
    const local = (await runCaptured("pnpm", ["--version"], root)).output.trim();
    if (pinned && local !== pinned)
      log(`  warning: pnpm ${local} here, the image uses ${pinned} (packageManager)`);
    try {
      const result = await assembleRuntime({ root, out, log: (line) => log(`  ${line}`) });
      return `${(result.bytes / 1e6).toFixed(1)} MB in ${result.files} files at ${out}`;
    } catch (err) {
      throw new StepFailure(
        (err as Error).message.split("\n")[0] ?? "assembly failed",
        "a stale lockfile needs `pnpm install` (commit pnpm-lock.yaml); a package missing from the pnpm store " +
          "needs one online `pnpm install` (the tree installs --offline, as the image build does)",
        (err as Error).message,
      );
    }
  });

  await step("isolation", async () => {
    const api = JSON.parse(readFileSync(join(out, "apps/api/package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    const probes = [
      { from: "", need: ["tsx"] },
      { from: "apps/api", need: Object.keys(api.dependencies) },
      { from: "packages/db/src", need: ["@hogsend/core", "drizzle-orm", "postgres", "zod"] },
    ];
    for (const probe of probes) {
      const found = await resolveFrom(join(out, probe.from), [...probe.need, ...DEV_ONLY]);
      const leaked = DEV_ONLY.filter((name) => found[name]);
      if (leaked.length > 0) {
        throw new StepFailure(
          `dev-only packages reachable from ${probe.from || "the tree root"}: ${leaked.map((n) => `${n} (${found[n]})`).join(", ")}`,
          "the tree must sit outside any folder with node_modules above it (--out), and dev tools belong in devDependencies",
        );
      }
      const missing = probe.need.filter((name) => !found[name]);
      if (missing.length > 0) {
        throw new StepFailure(
          `missing from ${probe.from || "the tree root"}: ${missing.join(", ")}`,
          "add what the run modes import at run time to the package's dependencies (not devDependencies)",
        );
      }
    }
    // Nor anywhere in the store: an optional peer linked for the workspace's dev tools is pruned.
    const stored = readdirSync(join(out, "node_modules/.pnpm")).filter((id) =>
      DEV_ONLY.some((name) => id.startsWith(`${name.replace("/", "+")}@`)),
    );
    if (stored.length > 0)
      throw new StepFailure(
        `dev-only packages in the tree's store: ${stored.join(", ")}`,
        "add the optional peer that links them to NEVER_AT_RUNTIME in tools/assemble-runtime.ts",
      );
    return `no dev-only package reachable or stored (${DEV_ONLY.slice(0, 3).join(", ")}, …); every runtime import resolves`;
  });
}

async function rehearse() {
  if (!image) await assembleAndCheckTree();
  await step("stack", async () => {
    try {
      stack = await startStack({
        existing: existingServicesFromEnv(process.env),
        homeDir: hogsendDir(root),
        name: join("preflight", runId),
        ephemeral: true,
        preferHostPorts: false,
        requireRedis: true,
        database: "postgres",
      });
    } catch (err) {
      throw new StepFailure(
        `devstack could not start: ${(err as Error).message}`,
        "see the [devstack] lines above (`pnpm infra up` takes the same route); or point DATABASE_URL, " +
          "REDIS_URL and HATCHET_CLIENT_TOKEN at running services",
      );
    }
    return `postgres ${stack.postgres.source}, redis ${stack.redis?.source}, hatchet ${stack.hatchet.route}`;
  });
  const services = stack as Stack;
  const database = runId;
  await ensureDatabase(services.postgres.url("postgres"), database);
  if (services.postgres.source === "env") {
    externalDatabase = { adminUrl: services.postgres.url("postgres"), name: database };
  }
  const databaseUrl = services.postgres.url(database);
  const port = await getFreePort();
  const runEnv = imageEnv({
    LOG_LEVEL: "info",
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    REDIS_URL: services.env.REDIS_URL ?? "",
    BETTER_AUTH_SECRET: randomBytes(32).toString("base64"),
    HATCHET_CLIENT_TOKEN: services.env.HATCHET_CLIENT_TOKEN,
    HATCHET_CLIENT_HOST_PORT: services.env.HATCHET_CLIENT_HOST_PORT,
    HATCHET_CLIENT_TLS_STRATEGY: services.env.HATCHET_CLIENT_TLS_STRATEGY,
    HATCHET_CLIENT_NAMESPACE: runId,
    // NODE_ENV=production insists on a provider; nothing is sent, so the key never reaches Resend.
    EMAIL_PROVIDER: "resend",
    RESEND_API_KEY: "re_preflight_never_used",
    // A closed local port: nothing is sent, and the doctor's provider check warns (no answer)
    // the same online or off, instead of failing on Resend refusing the placeholder key.
    RESEND_BASE_URL: "http://127.0.0.1:9",
    EMAIL_FROM: "Hogsend preflight <preflight@example.com>",
    API_PUBLIC_URL: "https://preflight.hogsend.test",
    // The enrollment's run leaves the worker's memory a second into its sleep, before the stop.
    JOURNEY_EVICT_AFTER: "1s",
  });

  await step("migrate", async () => {
    // A migrate Job gets nothing but database access. Two at once, as two replicas of a deploy
    // would: the advisory lock lets one apply each migration and the other find it applied.
    const migrates = await Promise.all(
      ["migrate", "migrate-2"].map((name) =>
        startMode(name, RUN_MODES.migrate, imageEnv({ DATABASE_URL: databaseUrl })),
      ),
    );
    const codes = await Promise.all(migrates.map((m) => withTimeout(m.exited, 120_000)));
    const failed = migrates.find((_, i) => codes[i] !== 0);
    if (failed) {
      throw new StepFailure(
        `\`${RUN_MODES.migrate.join(" ")}\` (${failed.name}) exited with ${codes[migrates.indexOf(failed)] ?? "a timeout"}`,
        "ERR_MODULE_NOT_FOUND means the tree lacks a runtime dependency of packages/db; a missing folder " +
          "means assemble-runtime.ts does not copy packages/db/drizzle or migrations/",
        failed.output(),
      );
    }
    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const [ledger] = await sql<{ applied: number; distinct: number }[]>`
        select count(*)::int as applied, count(distinct hash)::int as distinct from drizzle.__drizzle_migrations`;
      const expected = (
        JSON.parse(readFileSync(join(root, "packages/db/drizzle/meta/_journal.json"), "utf8")) as {
          entries: unknown[];
        }
      ).entries.length;
      if (ledger?.applied !== expected || ledger.distinct !== expected)
        throw new StepFailure(
          `the engine ledger holds ${ledger?.applied} rows (${ledger?.distinct} distinct) for ${expected} migrations`,
          "two migrators at once must apply each migration once: see packages/db/src/migrations/run.ts (advisory lock)",
        );
      return `two \`${RUN_MODES.migrate.join(" ")}\` at once exited 0; each of ${expected} engine migrations applied once`;
    } finally {
      await sql.end();
    }
  });

  const api = await startMode("api", RUN_MODES.api, runEnv);
  const worker = await startMode("worker", RUN_MODES.worker, runEnv);
  await step("api + worker", async () => {
    const bootStarted = performance.now();
    let apiHealthy: number | undefined;
    let workerUp: number | undefined;
    let lastHealth = "no answer yet";
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (apiHealthy === undefined || workerUp === undefined) {
      for (const mode of [api, worker]) {
        if (mode.child.exitCode !== null) {
          throw new StepFailure(
            `the ${mode.name} exited with ${mode.child.exitCode} while booting`,
            "ERR_MODULE_NOT_FOUND means a package the bundle imports is missing from apps/api/package.json " +
              "dependencies (bundle-dependencies.test.ts checks the engine's); an env error names the key",
            mode.output(),
          );
        }
      }
      if (Date.now() > deadline) {
        throw new StepFailure(
          `not ready within ${READY_TIMEOUT_MS / 1000}s (api ${apiHealthy ? "healthy" : "not healthy"}, ` +
            `worker ${workerUp ? "up" : "not up"}; last /v1/health: ${lastHealth})`,
          "see the api and worker logs below; the worker beats into Redis once connected to Hatchet",
          `── api ──\n${api.output()}\n── worker ──\n${worker.output()}`,
        );
      }
      try {
        const res = await fetch(`http://127.0.0.1:${port}/v1/health`, { signal: AbortSignal.timeout(2_000) });
        const body = (await res.json()) as { status?: string; components?: { worker?: { status?: string } } };
        lastHealth = `${res.status} ${body.status}, worker ${body.components?.worker?.status}`;
        if (res.status === 200 && body.status === "healthy") apiHealthy ??= performance.now() - bootStarted;
        if (body.components?.worker?.status === "up") workerUp ??= performance.now() - bootStarted;
      } catch (err) {
        lastHealth = (err as Error).message;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    return (
      `\`${RUN_MODES.api.join(" ")}\` healthy (GET /v1/health 200) after ${seconds(apiHealthy)}, ` +
      `\`${RUN_MODES.worker.join(" ")}\` up in components.worker after ${seconds(workerUp)}`
    );
  });

  await step("studio", async () => {
    // The Studio's assets ship in the tree: the page, its CSP, and a hashed asset it loads.
    const page = await fetch(`http://127.0.0.1:${port}/studio/`, { signal: AbortSignal.timeout(5_000) });
    const html = await page.text();
    const csp = page.headers.get("content-security-policy") ?? "";
    if (page.status !== 200 || !csp.includes("frame-ancestors 'none'"))
      throw new StepFailure(
        `GET /studio/ answered ${page.status} (CSP: ${csp || "none"})`,
        "apps/studio/dist must be built and copied by tools/assemble-runtime.ts",
        html.slice(0, 500),
      );
    const asset = /src="(\/studio\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    const res = asset ? await fetch(`http://127.0.0.1:${port}${asset}`) : undefined;
    if (!res?.ok)
      throw new StepFailure(
        `the Studio's script ${asset ?? "(none in index.html)"} did not load`,
        "rebuild the Studio",
      );
    return `GET /studio/ 200 with its CSP, ${asset} ${res.status}`;
  });

  await step("enrollment", async () => {
    // An event in through the api, a journey run on the worker: the whole path, from this tree.
    const handle = createDb(databaseUrl, { max: 1, applicationName: "hogsend-preflight" });
    try {
      const { secret } = await createApiKey(handle.db, {
        name: "preflight",
        scopes: ["ingest"],
        createdBy: "preflight",
      });
      const res = await fetch(`http://127.0.0.1:${port}/v1/events`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
        body: JSON.stringify({
          name: "user_signed_up",
          userId: "preflight-user",
          email: "preflight@example.com",
        }),
      });
      if (res.status !== 202)
        throw new StepFailure(
          `POST /v1/events answered ${res.status}: ${await res.text()}`,
          "see the api log",
        );
      const deadline = Date.now() + 60_000;
      for (;;) {
        const [row] = await handle.sql<{ status: string }[]>`
          select status from journey_states where journey_id = 'welcome' limit 1`;
        if (row?.status === "waiting") {
          // Evicted before the stop step: a SIGTERM that lands while a run is inside a durable call
          // makes the Hatchet SDK wait out the whole grace (its durable listener stops first), a
          // race the stop step is not here to measure.
          await new Promise((r) => setTimeout(r, 2_500));
          return "user_signed_up → welcome enrollment, waiting in its sleep (evicted from the worker)";
        }
        if (Date.now() > deadline)
          throw new StepFailure(
            "no welcome enrollment 60 s after user_signed_up",
            "the api pushes the event to Hatchet and the worker enrolls it: see both logs",
            `── api ──\n${api.output()}\n── worker ──\n${worker.output()}`,
          );
        await new Promise((r) => setTimeout(r, 250));
      }
    } finally {
      await handle.close();
    }
  });

  await step("cli", async () => {
    // The deployment's CLI (built, with its journeys), then the package's own bin (tsx, source).
    const runs = [
      ["apps/api/dist/cli.js", "--help"],
      ["apps/api/dist/cli.js", "journeys", "list"],
      ["apps/api/dist/cli.js", "doctor"],
      ["packages/cli/bin/hogsend.mjs", "studio", "admin", "list"],
    ];
    for (const [entry = "", ...args] of runs) {
      const cli = await startMode("cli", ["node", entry, ...args], runEnv);
      const code = await withTimeout(cli.exited, 60_000);
      if (code !== 0) {
        throw new StepFailure(
          `\`node ${entry} ${args.join(" ")}\` exited with ${code ?? "a timeout"}`,
          "a missing module is a dependency missing from apps/api (the built CLI) or packages/cli (the bin)",
          cli.output(),
        );
      }
    }
    return "`node apps/api/dist/cli.js --help`, `journeys list` and `doctor`, and the bin's `studio admin list`, exited 0";
  });

  if (image) {
    await step("unprivileged", async () => {
      // Run as the image's user, the api cannot change its own code.
      const probe = await startMode("probe", ["sh", "-c", `id -un; touch ${IMAGE_APP_DIR}/probe`], {});
      const code = await withTimeout(probe.exited, 30_000);
      const user = probe.output().trim().split("\n")[0];
      if (user !== "node" || code === 0)
        throw new StepFailure(
          `runs as ${user}, and writing under ${IMAGE_APP_DIR} ${code === 0 ? "succeeded" : "failed"}`,
          "the runtime stage must end with USER node, and copy /app owned by root",
          probe.output(),
        );
      return `runs as node; writing under ${IMAGE_APP_DIR} is refused`;
    });
  }

  await step("stop", async () => {
    // The default SHUTDOWN_GRACE_MS (25 s) plus the 5 s the run modes allow for closing pools.
    const codes = await withTimeout(Promise.all([api.stop("SIGTERM"), worker.stop("SIGTERM")]), 30_000);
    const [apiCode, workerCode] = codes ?? [undefined, undefined];
    if (apiCode !== 0 || workerCode !== 0) {
      throw new StepFailure(
        `SIGTERM: api exited ${apiCode ?? "(still running)"}, worker ${workerCode ?? "(still running)"}; both must exit 0`,
        "see the shutdown handlers in apps/api/src/index.ts and worker.ts (SHUTDOWN_GRACE_MS bounds the drain)",
        `── api ──\n${api.output()}\n── worker ──\n${worker.output()}`,
      );
    }
    return "SIGTERM → api exit 0, worker exit 0";
  });
}

/** Which of `names` Node resolves from `dir`, as the run modes would (ESM, no NODE_PATH). */
async function resolveFrom(dir: string, names: string[]): Promise<Record<string, string | null>> {
  const script = `const found = {};
for (const name of JSON.parse(process.env.PREFLIGHT_NAMES)) {
  try { found[name] = import.meta.resolve(name); } catch { found[name] = null; }
}
console.log(JSON.stringify(found));`;
  const result = await runCaptured(process.execPath, ["--input-type=module", "-e", script], dir, {
    ...imageEnv({}),
    PREFLIGHT_NAMES: JSON.stringify(names),
  });
  if (result.code !== 0) throw new Error(`resolving from ${dir} failed:\n${result.output}`);
  return JSON.parse(result.output.trim().split("\n").at(-1) ?? "{}") as Record<string, string | null>;
}

/** Runs a command to completion with its output interleaved (no time limit: a build may take a while). */
function runCaptured(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; output: string }> {
  return runToExit(command, args, { cwd, env, timeoutMs: Number.POSITIVE_INFINITY });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<undefined>((r) => {
      timer = setTimeout(() => r(undefined), ms);
    }),
  ]);
}

function summarize() {
  const total = seconds(performance.now() - started);
  const width = Math.max(...steps.map((s) => s.name.length), 8);
  const lines = steps.map(
    (s) => `  ${s.ok ? "✓" : "✗"} ${s.name.padEnd(width)} ${seconds(s.ms).padStart(6)}  ${s.detail}`,
  );
  const rule = "─".repeat(72);
  const write = (line: string) => process.stderr.write(`${line}\n`);
  write(rule);
  if (!failure) {
    write(
      `PASS  ${image ? `the image ${image}` : "the image's production tree"} ran migrate, api and worker (${total})`,
    );
    for (const line of lines) write(line);
    write(image ? `  logs in ${logDir}` : `  tree: ${out} (kept for inspection; logs in ${logDir})`);
    write(rule);
    return;
  }
  write(`FAIL  ${failure.message} (${total})`);
  for (const line of lines) write(line);
  if (failure instanceof StepFailure) {
    if (failure.output.trim()) {
      write("  output (tail):");
      for (const line of failure.output.trimEnd().split("\n").slice(-40)) write(`    ${line}`);
    }
    write(`  next: ${failure.next}`);
  } else if (failure.stack) {
    write(failure.stack);
  }
  write(`  logs: ${logDir}; tree: ${out}`);
  write(rule);
}
