/**
 * Assembles the production-only tree the image runs from: the tsup bundles, the source the
 * migrate mode and the `hogsend` CLI run with tsx, both migration folders, and production
 * node_modules installed by pnpm from the lockfile. One piece of code for both users:
 *
 *   Dockerfile      RUN pnpm exec tsx tools/assemble-runtime.ts /app
 *   pnpm preflight  assembleRuntime({ root, out }) (tools/preflight.ts)
 *
 * The tree keeps the repository's layout, so the run modes are the same commands everywhere
 * (deploy/run-modes.json), run from the tree's root with its node_modules/.bin on PATH.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { cp, lstat, mkdir, readdir, realpath, rm, writeFile } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { run } from "@hogsend/devstack/process";

/** Where the Dockerfile's runtime stage keeps the tree (its WORKDIR). */
export const IMAGE_APP_DIR = "/app";

/**
 * What the image runs: the bundled api and the `hogsend` CLI. The CLI's production dependencies
 * bring tsx, which runs the CLI, the migrate mode and the other packages/db scripts from source.
 */
export const RUNTIME_ROOTS = ["@hogsend/api", "@hogsend/cli"];

/** Packages shipped as their build output only (tsup inlines the workspace source into it). */
const BUNDLED: Record<string, string[]> = { "@hogsend/api": ["dist"] };

/** The Studio's build: static files the api serves at /studio, shipped as they are. */
const STUDIO_DIST = "apps/studio/dist";

/** Dev-time files left out of the source packages. */
const SOURCE_EXCLUDE = [
  /(^|\/)node_modules(\/|$)/,
  /(^|\/)(dist|\.turbo|coverage|test|tests|__tests__)(\/|$)/,
  /\.test\.tsx?$/,
  /(^|\/)tsconfig[^/]*\.json$/,
  /\.config\.[cm]?[jt]s$/,
  /(^|\/)README\.md$/,
];

/**
 * Optional peers of runtime packages that the lockfile links because the workspace has them as dev
 * tools (better-auth lists drizzle-kit and vitest, which bring vite, rollup and three esbuilds),
 * and type packages, which hold no code. Nothing at run time imports them: they and whatever only
 * they reach are removed from the tree. `scope/*` names a whole scope. (Not prettier: one of the
 * two @react-email/render versions imports it at load, which the preflight caught.)
 */
const NEVER_AT_RUNTIME = ["drizzle-kit", "vitest", "vite", "@types/*"];

/** Marks a folder as an assembled tree, so a rerun may replace it and nothing else is deleted. */
const MARKER = ".hogsend-runtime.json";

export interface AssembleOptions {
  /** The workspace root (holds pnpm-workspace.yaml and a built apps/api/dist). */
  root: string;
  /** Target folder: created, or replaced when it holds an earlier assembly. */
  out: string;
  log?: (line: string) => void;
  /** "inherit" streams pnpm's output (docker build); "pipe" keeps it for the error message. */
  stdio?: "inherit" | "pipe";
}

export interface AssembleResult {
  out: string;
  /** Workspace packages installed into the tree, by name. */
  packages: string[];
  files: number;
  bytes: number;
}

interface WorkspaceProject {
  dir: string;
  name: string;
  dependencies: Record<string, string>;
}

/** Builds the runtime tree; throws with the reason (and pnpm's output) on failure. */
export async function assembleRuntime(options: AssembleOptions): Promise<AssembleResult> {
  const root = resolve(options.root);
  const out = resolve(options.out);
  const log = options.log ?? (() => {});
  for (const entry of ["apps/api/dist/index.js", "apps/api/dist/worker.js"]) {
    if (!existsSync(join(root, entry))) {
      throw new Error(`${entry} is missing: build first (pnpm --filter @hogsend/api build)`);
    }
  }
  if (!existsSync(join(root, STUDIO_DIST, "index.html"))) {
    throw new Error(`${STUDIO_DIST} is missing: build first (pnpm --filter @hogsend/studio build)`);
  }
  await prepareTarget(root, out);

  const projects = readWorkspace(root);
  const shipped = productionClosure(projects, RUNTIME_ROOTS);
  log(`packages: ${[...shipped].sort().join(", ")}`);

  for (const file of ["package.json", "pnpm-workspace.yaml", "pnpm-lock.yaml", ".npmrc"]) {
    if (existsSync(join(root, file))) await cp(join(root, file), join(out, file));
  }
  // The dependency patches pnpm-workspace.yaml names: the offline install below applies them.
  if (existsSync(join(root, "patches")))
    await cp(join(root, "patches"), join(out, "patches"), { recursive: true });
  // The client migration track, where packages/db resolves it (../../../migrations from its src).
  await cp(join(root, "migrations"), join(out, "migrations"), { recursive: true });
  for (const project of projects) {
    const from = join(root, project.dir);
    const to = join(out, project.dir);
    await mkdir(to, { recursive: true });
    // Every manifest, installed or not, so the workspace matches the lockfile exactly.
    await cp(join(from, "package.json"), join(to, "package.json"));
    if (!shipped.has(project.name)) continue;
    const bundled = BUNDLED[project.name];
    if (bundled) {
      for (const dir of bundled) await cp(join(from, dir), join(to, dir), { recursive: true });
    } else {
      await cp(from, to, {
        recursive: true,
        filter: (src) => {
          const rel = relative(from, src).split(sep).join("/");
          return rel === "" || !SOURCE_EXCLUDE.some((pattern) => pattern.test(rel));
        },
      });
    }
  }
  // The Studio's static build, where the api looks for it (up from apps/api/dist).
  await cp(join(root, STUDIO_DIST), join(out, STUDIO_DIST), { recursive: true });
  log("copied bundles, sources, migrations and the Studio's assets");

  // Production dependencies of the shipped packages only, exactly as the lockfile pins them.
  // tsx is hoisted to node_modules/.bin so `tsx packages/db/src/migrate.ts` runs from the root.
  const args = [
    "install",
    "--prod",
    "--frozen-lockfile",
    "--offline",
    "--config.public-hoist-pattern=tsx",
    ...RUNTIME_ROOTS.map((name) => `--filter-prod=${name}...`),
  ];
  log(`pnpm ${args.join(" ")}`);
  await run("pnpm", args, { cwd: out, stdio: options.stdio ?? "pipe" });
  const pruned = await pruneUnreachable(out, NEVER_AT_RUNTIME);
  log(
    `pruned ${pruned.packages} packages (${(pruned.bytes / 1e6).toFixed(1)} MB) reachable only through ${NEVER_AT_RUNTIME.join(", ")}`,
  );

  await writeFile(
    join(out, MARKER),
    `${JSON.stringify({ assembledAt: new Date().toISOString(), roots: RUNTIME_ROOTS }, null, 2)}\n`,
  );
  const { files, bytes } = await measure(out);
  return { out, packages: [...shipped].sort(), files, bytes };
}

/** Refuses to replace anything but an empty folder or an earlier assembly. */
async function prepareTarget(root: string, out: string) {
  if (out === root || root.startsWith(`${out}${sep}`) || out.startsWith(`${join(root, "packages")}${sep}`)) {
    throw new Error(`refusing to assemble into ${out}: it overlaps the workspace`);
  }
  if (existsSync(out)) {
    const entries = readdirSync(out);
    if (entries.length > 0 && !entries.includes(MARKER)) {
      throw new Error(`refusing to replace ${out}: not empty and not an earlier assembly (no ${MARKER})`);
    }
    await rm(out, { recursive: true, force: true });
  }
  await mkdir(out, { recursive: true });
}

/** The workspace projects pnpm-workspace.yaml lists (`dir` and `dir/*` entries). */
function readWorkspace(root: string): WorkspaceProject[] {
  const yaml = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8");
  const block = /^packages:\s*\n((?:\s+-\s+.*\n?)+)/m.exec(yaml)?.[1] ?? "";
  const globs = [...block.matchAll(/-\s+["']?([^"'\s#]+)["']?/g)].map((m) => m[1] as string);
  const dirs = globs.flatMap((glob) => {
    if (!glob.endsWith("/*")) return [glob];
    const parent = glob.slice(0, -2);
    if (!existsSync(join(root, parent))) return [];
    return readdirSync(join(root, parent), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => `${parent}/${d.name}`);
  });
  return dirs
    .filter((dir) => existsSync(join(root, dir, "package.json")))
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")) as {
        name: string;
        dependencies?: Record<string, string>;
      };
      return { dir, name: manifest.name, dependencies: manifest.dependencies ?? {} };
    });
}

/** `names` and the workspace packages they depend on in production, transitively. */
function productionClosure(projects: WorkspaceProject[], names: string[]): Set<string> {
  const byName = new Map(projects.map((p) => [p.name, p]));
  const seen = new Set<string>();
  const visit = (name: string) => {
    const project = byName.get(name);
    if (!project || seen.has(name)) return;
    seen.add(name);
    for (const [dep, range] of Object.entries(project.dependencies)) {
      if (range.startsWith("workspace:")) visit(dep);
    }
  };
  for (const name of names) {
    if (!byName.has(name)) throw new Error(`${name} is not a workspace package`);
    visit(name);
  }
  return seen;
}

/** Regular files and their total apparent size (symlinks not followed). */
export async function measure(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  const walk = async (path: string) => {
    for (const entry of await readdir(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) {
        files++;
        bytes += (await lstat(full)).size;
      }
    }
  };
  await walk(dir);
  return { files, bytes };
}

// `tsx tools/assemble-runtime.ts <out>` (the Dockerfile's build stage).
if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const out = process.argv[2];
  if (!out || out.startsWith("-")) {
    console.error("usage: tsx tools/assemble-runtime.ts <out-dir>");
    process.exit(64);
  }
  const started = performance.now();
  const result = await assembleRuntime({
    root: resolve(import.meta.dirname, ".."),
    out,
    log: (line) => console.log(`[assemble] ${line}`),
    stdio: "inherit",
  });
  console.log(
    `[assemble] ${result.out}: ${(result.bytes / 1e6).toFixed(1)} MB in ${result.files} files ` +
      `(${((performance.now() - started) / 1000).toFixed(1)}s)`,
  );
}

/**
 * Deletes every package under node_modules/.pnpm that no importer reaches without passing through
 * one of `names`, and the links to them. Reachability follows pnpm's layout: a package's
 * dependencies are the links beside it in `.pnpm/<id>/node_modules`.
 */
async function pruneUnreachable(out: string, names: string[]): Promise<{ packages: number; bytes: number }> {
  const store = join(out, "node_modules/.pnpm");
  const excluded = new Set(names.filter((n) => !n.endsWith("/*")));
  const scopes = names.filter((n) => n.endsWith("/*")).map((n) => n.slice(0, -1));
  const isExcluded = (name: string) => excluded.has(name) || scopes.some((scope) => name.startsWith(scope));
  const reachable = new Set<string>();
  /** The links of one node_modules folder: package name → link path. */
  const linksIn = async (dir: string): Promise<[string, string][]> => {
    const found: [string, string][] = [];
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (entry.name.startsWith(".")) continue;
      if (entry.name.startsWith("@")) {
        for (const scoped of await readdir(join(dir, entry.name)).catch(() => []))
          found.push([`${entry.name}/${scoped}`, join(dir, entry.name, scoped)]);
      } else found.push([entry.name, join(dir, entry.name)]);
    }
    return found;
  };
  /** `.pnpm/<id>` of a link's target, when it is in the store. */
  const storeIdOf = async (link: string) => {
    const target = await realpath(link).catch(() => undefined);
    if (!target?.startsWith(`${store}${sep}`)) return undefined;
    return relative(store, target).split(sep)[0];
  };
  const visit = async (nodeModules: string) => {
    for (const [name, link] of await linksIn(nodeModules)) {
      if (isExcluded(name)) continue;
      const id = await storeIdOf(link);
      if (!id || reachable.has(id)) continue;
      reachable.add(id);
      await visit(join(store, id, "node_modules"));
    }
  };
  const importers = [join(out, "node_modules")];
  for (const group of ["apps", "packages"]) {
    for (const project of await readdir(join(out, group)).catch(() => []))
      importers.push(join(out, group, project, "node_modules"));
  }
  for (const importer of importers) await visit(importer);

  let packages = 0;
  let bytes = 0;
  for (const entry of await readdir(store, { withFileTypes: true })) {
    const id = entry.name;
    if (!entry.isDirectory() || id === "node_modules" || id.startsWith(".") || reachable.has(id)) continue;
    bytes += (await measure(join(store, id))).bytes;
    await rm(join(store, id), { recursive: true, force: true });
    packages++;
  }
  // Links left pointing at what was removed: beside the packages that listed them, and in pnpm's
  // hidden hoisting folder.
  for (const dir of [
    join(store, "node_modules"),
    ...[...reachable].map((id) => join(store, id, "node_modules")),
  ]) {
    for (const [, link] of await linksIn(dir)) {
      if (!(await realpath(link).catch(() => undefined))) await rm(link, { force: true });
    }
  }
  return { packages, bytes };
}
