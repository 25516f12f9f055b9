/**
 * `pnpm image:build`: builds the Dockerfile into the runtime image, with `docker build` when a
 * Docker engine answers, else daemonless with buildah (`--isolation chroot`). Without a container
 * registry in reach it assembles a stand-in for the base image from package registries
 * (`image/stand-in-base.ts`), cached in buildah's storage, and says so. An extra CA
 * (NODE_EXTRA_CA_CERTS, for a TLS-intercepting proxy) goes in as the `npm_ca` build secret, never
 * into a layer. Ends with `RESULT image …` (build time, size, size above the base).
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { hogsendDir } from "@hogsend/devstack";
import { run, runToExit } from "@hogsend/devstack/process";
import { readCliOptions, UsageError } from "./bench/options.js";
import { resultLine } from "./bench/result-line.js";
import { type Engine, imageSizes, pickEngine } from "./image/buildah.js";
import { ensureStandInBase } from "./image/stand-in-base.js";

const root = resolve(import.meta.dirname, "..");
const log = (line: string) => process.stderr.write(`[image] ${line}\n`);
const USAGE = `pnpm image:build [--tag NAME] [--base IMAGE] [--stand-in]

Builds the runtime image from the Dockerfile: with docker when a Docker engine answers, else
with buildah (daemonless). Without a reachable container registry, the base image is a stand-in
assembled from Debian's mirror and the npm registry (cached in buildah's storage).

  --tag NAME     the image's name                         default localhost/hogsend:dev
  --base IMAGE   the BASE_IMAGE build argument             default node:<NODE_VERSION>-bookworm-slim
  --stand-in     use the stand-in base without trying the registry first`;

interface BuildOptions {
  tag: string;
  base: string | undefined;
  standIn: boolean;
}

const options = readCliOptions<BuildOptions>((argv) => {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        tag: { type: "string", default: "localhost/hogsend:dev" },
        base: { type: "string" },
        "stand-in": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
    if (values.help) return "help";
    return { tag: values.tag, base: values.base, standIn: values["stand-in"] };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}, USAGE);

/** The Dockerfile's default Node major (`ARG NODE_VERSION=…`). */
function nodeMajor(): string {
  const match = /^ARG NODE_VERSION=(\d+)$/m.exec(readFileSync(join(root, "Dockerfile"), "utf8"));
  if (!match?.[1]) throw new Error("the Dockerfile has no `ARG NODE_VERSION=<major>`");
  return match[1];
}

/** The base to build on: as asked, the official one when its registry answers, else the stand-in. */
async function chooseBase(engine: Engine): Promise<{ image: string; standIn: boolean }> {
  if (options.base) return { image: options.base, standIn: false };
  const major = nodeMajor();
  const official = `docker.io/library/node:${major}-bookworm-slim`;
  if (!options.standIn) {
    const pull = await runToExit(engine, ["pull", "--quiet", official], { timeoutMs: 120_000 });
    if (pull.code === 0) return { image: official, standIn: false };
    const reason = pull.output.trim().split("\n").at(-1) ?? `exit ${pull.code}`;
    log(`no container registry in reach (${reason.slice(0, 160)}): assembling a stand-in base instead`);
  }
  if (engine !== "buildah")
    throw new Error("the stand-in base is assembled with buildah; install it, or pass --base");
  const image = await ensureStandInBase({
    nodeMajor: major,
    workDir: join(hogsendDir(root), "image/stand-in"),
    log,
  });
  return { image, standIn: true };
}

/** The `npm_ca` build secret: NODE_EXTRA_CA_CERTS when set, else an empty file (no extra CA). */
async function caSecret(): Promise<string> {
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  if (extra && existsSync(extra)) {
    log(`passing NODE_EXTRA_CA_CERTS (${extra}) as the npm_ca build secret`);
    return extra;
  }
  const empty = join(hogsendDir(root), "image/no-extra-ca.pem");
  await mkdir(join(hogsendDir(root), "image"), { recursive: true });
  await writeFile(empty, "");
  return empty;
}

const started = performance.now();
const engine = await pickEngine();
const base = await chooseBase(engine);
const secret = await caSecret();
log(`building ${options.tag} with ${engine} on ${base.image}`);
const buildStarted = performance.now();
const args = [
  "build",
  ...(engine === "buildah" ? ["--isolation", "chroot", "--layers"] : []),
  "--network",
  "host",
  "--build-arg",
  `BASE_IMAGE=${base.image}`,
  "--secret",
  `id=npm_ca,src=${secret}`,
  "-t",
  options.tag,
  "-f",
  "Dockerfile",
  ".",
];
try {
  await run(engine, args, { cwd: root, stdio: "stderr", timeoutMs: 30 * 60_000 });
} catch (err) {
  log(`the build failed: ${(err as Error).message.split("\n")[0]}`);
  log("behind a TLS-intercepting proxy, set NODE_EXTRA_CA_CERTS to its CA; a registry mirror goes in --base");
  process.exit(1);
}
const buildSeconds = (performance.now() - buildStarted) / 1000;
const sizes = engine === "buildah" ? await imageSizes(options.tag, base.image) : undefined;
log(
  `built ${options.tag} in ${buildSeconds.toFixed(0)} s` +
    (sizes ? `: ${sizes.totalMb.toFixed(0)} MB, ${sizes.aboveBaseMb.toFixed(0)} MB above the base` : ""),
);
process.stdout.write(
  `${resultLine("image", {
    engine,
    base: base.standIn ? "stand-in" : "registry",
    build_s: buildSeconds,
    total_s: (performance.now() - started) / 1000,
    size_mb: sizes?.totalMb,
    above_base_mb: sizes?.aboveBaseMb,
  })}\n`,
);
