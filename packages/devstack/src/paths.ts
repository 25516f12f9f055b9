import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The workspace root: the nearest folder above this package that holds pnpm-workspace.yaml. */
export function findWorkspaceRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(from);
  while (true) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no pnpm-workspace.yaml above ${from}`);
    dir = parent;
  }
}

/** `.hogsend/` at the workspace root: git-ignored home of caches, data and state. */
export function hogsendDir(root = findWorkspaceRoot()): string {
  return join(root, ".hogsend");
}
