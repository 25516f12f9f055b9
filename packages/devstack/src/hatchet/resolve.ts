import { existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { childEnv } from "../env.js";
import { logStep, timed } from "../log.js";
import { hasCommand, run } from "../process.js";
import { ENGINE_MODULE, HATCHET_ENGINE_TAG, LITE_COMMANDS, SIDECAR_MODULE } from "./versions.js";

/** Where a runnable engine came from, for logs and for the operator's note. */
export type HatchetRoute =
  | "sidecar:env"
  | "sidecar:cache"
  | "sidecar:go-install"
  | "sidecar:sdk-download"
  | "lite:cache"
  | "lite:go-build";

export type HatchetBinaries =
  | { kind: "sidecar"; path: string; route: HatchetRoute }
  | { kind: "sidecar-sdk"; route: "sidecar:sdk-download" }
  | { kind: "lite"; dir: string; route: HatchetRoute };

export interface ResolveOptions {
  /** HATCHET_CLIENT_EMBEDDED_BINARY_PATH */
  embeddedBinaryPath?: string | undefined;
  /** The clone's own `.hogsend/bin`: an override, looked in first and never built into. */
  binDir: string;
  /** The per-user cache shared by every clone (`userBinDir()`): looked in next, and built into. */
  sharedBinDir?: string | undefined;
  /** Try the SDK's own download of the sidecar release (needs github.com). */
  allowSdkDownload?: boolean;
}

const sidecarCachePath = (binDir: string) => join(binDir, `hatchet-embedded-sidecar-${HATCHET_ENGINE_TAG}`);
export const liteCacheDir = (binDir: string) => join(binDir, `hatchet-lite-${HATCHET_ENGINE_TAG}`);

function hasLiteBinaries(dir: string): boolean {
  return LITE_COMMANDS.every((cmd) => existsSync(join(dir, cmd)));
}

/**
 * Finds or builds an engine, in this order: HATCHET_CLIENT_EMBEDDED_BINARY_PATH; a cached
 * build in the clone's `.hogsend/bin`, then in the per-user cache; `go install` of the
 * hatchet-embedded sidecar (into the per-user cache); the SDK's download;
 * and, when no sidecar can be had, a `go build` of hatchet-lite, hatchet-migrate and
 * hatchet-admin at the same tag. Each failed route is logged with its reason.
 */
export async function resolveHatchetBinaries(options: ResolveOptions): Promise<HatchetBinaries> {
  if (options.embeddedBinaryPath) {
    if (!existsSync(options.embeddedBinaryPath)) {
      throw new Error(
        `HATCHET_CLIENT_EMBEDDED_BINARY_PATH points at ${options.embeddedBinaryPath}, which does not exist`,
      );
    }
    return { kind: "sidecar", path: options.embeddedBinaryPath, route: "sidecar:env" };
  }
  const dirs = [options.binDir, ...(options.sharedBinDir ? [options.sharedBinDir] : [])];
  for (const dir of dirs) {
    if (existsSync(sidecarCachePath(dir)))
      return { kind: "sidecar", path: sidecarCachePath(dir), route: "sidecar:cache" };
    if (hasLiteBinaries(liteCacheDir(dir)))
      return { kind: "lite", dir: liteCacheDir(dir), route: "lite:cache" };
  }
  const buildDir = options.sharedBinDir ?? options.binDir;
  const sidecarPath = sidecarCachePath(buildDir);
  await mkdir(buildDir, { recursive: true });
  const go = await hasCommand("go");
  if (go) {
    try {
      await goInstallSidecar(sidecarPath);
      return { kind: "sidecar", path: sidecarPath, route: "sidecar:go-install" };
    } catch (err) {
      logStep(`go install of the hatchet-embedded sidecar failed: ${firstLine(err)}`);
    }
  }
  if (options.allowSdkDownload !== false) {
    // The SDK downloads at start; the caller falls back to lite when that throws.
    return { kind: "sidecar-sdk", route: "sidecar:sdk-download" };
  }
  return buildLiteOrExplain(go, buildDir);
}

/** The last route: build hatchet-lite from the Go module proxy into `binDir` (the shared cache). */
export async function buildLiteOrExplain(go: boolean | undefined, binDir: string): Promise<HatchetBinaries> {
  const liteDir = liteCacheDir(binDir);
  if (hasLiteBinaries(liteDir)) return { kind: "lite", dir: liteDir, route: "lite:cache" };
  if (go === false || !(await hasCommand("go"))) {
    throw new Error(
      "No Hatchet engine available: set HATCHET_CLIENT_TOKEN (+ HATCHET_CLIENT_HOST_PORT) for an " +
        "external engine, set HATCHET_CLIENT_EMBEDDED_BINARY_PATH to a hatchet-embedded sidecar, " +
        "or install Go (https://go.dev/dl) so devstack can build one.",
    );
  }
  await goBuildLite(liteDir);
  return { kind: "lite", dir: liteDir, route: "lite:go-build" };
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  return lines.slice(1, 3).join(" | ") || lines[0] || text;
}

async function goInstallSidecar(target: string): Promise<void> {
  const gobin = `${target}.build-${process.pid}`;
  try {
    await timed(`built the hatchet-embedded sidecar ${HATCHET_ENGINE_TAG}`, () =>
      run("go", ["install", "-v", `${SIDECAR_MODULE}@${HATCHET_ENGINE_TAG}`], {
        env: childEnv({ GOBIN: gobin }),
        timeoutMs: 20 * 60_000,
        onOutput: buildProgress(0),
      }),
    );
    await rename(join(gobin, "sidecar"), target);
  } finally {
    await rm(gobin, { recursive: true, force: true });
  }
}

/**
 * Builds the three engine commands at HATCHET_ENGINE_TAG. Plain `go install mod@tag` is not
 * used: it asks the proxy for the module's version list (to check deprecation), which some
 * proxies refuse. Building inside the downloaded module also verifies every dependency
 * against Hatchet's own go.sum. `-X main.Version` stamps the engine version; without it the
 * SDK takes the engine for a legacy one.
 */
async function goBuildLite(target: string): Promise<void> {
  logStep(
    `building hatchet-lite ${HATCHET_ENGINE_TAG} with Go (first run only, a few minutes; cached in ${target})`,
  );
  const { stdout } = await run("go", ["mod", "download", "-json", `${ENGINE_MODULE}@${HATCHET_ENGINE_TAG}`], {
    timeoutMs: 10 * 60_000,
  });
  const moduleDir = (JSON.parse(stdout) as { Dir?: string }).Dir;
  if (!moduleDir) throw new Error(`go mod download gave no module directory:\n${stdout}`);
  const staging = `${target}.build-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    const packages = LITE_COMMANDS.map((cmd) => `./cmd/${cmd}`);
    const env = childEnv({ GOFLAGS: "-mod=mod" });
    logStep("resolving the engine's Go dependencies (downloads them on a first run)");
    const listed = await run("go", ["list", "-deps", ...packages], {
      cwd: moduleDir,
      env,
      timeoutMs: 20 * 60_000,
    });
    const total = listed.stdout.split("\n").filter(Boolean).length;
    await timed(`built hatchet-lite, hatchet-migrate and hatchet-admin ${HATCHET_ENGINE_TAG}`, () =>
      run(
        "go",
        [
          "build",
          "-v",
          "-o",
          `${staging}/`,
          "-ldflags",
          `-X main.Version=${HATCHET_ENGINE_TAG}`,
          ...packages,
        ],
        { cwd: moduleDir, env, timeoutMs: 30 * 60_000, onOutput: buildProgress(total) },
      ),
    );
    if (!hasLiteBinaries(target)) {
      await rm(target, { recursive: true, force: true });
      await rename(staging, target);
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * `go build -v` names each package as it compiles it: a line every 10 s with how many of the
 * `total` dependencies are done, so a first run's few minutes do not look like a hang. Packages
 * Go has cached are not named, so the count can finish short of the total.
 */
function buildProgress(total: number): (chunk: string) => void {
  const started = Date.now();
  let compiled = 0;
  let last = started;
  return (chunk) => {
    compiled += chunk.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("#")).length;
    if (Date.now() - last < 10_000) return;
    last = Date.now();
    const done =
      total > 0
        ? `${compiled} of ${total} packages (${Math.min(99, Math.round((compiled / total) * 100))} %)`
        : `${compiled} packages`;
    logStep(`compiling the engine: ${done}, ${Math.round((last - started) / 1000)} s`);
  };
}
