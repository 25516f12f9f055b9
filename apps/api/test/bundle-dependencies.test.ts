import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The build inlines workspace packages and leaves npm packages external (tsup.config.ts), so the
 * bundle resolves every npm package the engine and plugins import from this package's own
 * dependencies. One missing here boots fine from source and fails in the image.
 */
const root = resolve(import.meta.dirname, "../../..");
type Manifest = { name: string; dependencies?: Record<string, string> };
const read = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Manifest;

describe("apps/api dependencies", () => {
  it("list every npm package the inlined workspace packages depend on, at the same range", () => {
    const api = read(join(root, "apps/api/package.json"));
    const workspace = new Map<string, Manifest>();
    for (const dir of readdirSync(join(root, "packages"))) {
      const manifest = read(join(root, "packages", dir, "package.json"));
      workspace.set(manifest.name, manifest);
    }
    const needed = new Map<string, string>();
    const visit = (name: string, seen = new Set<string>()) => {
      if (seen.has(name)) return;
      seen.add(name);
      for (const [dep, range] of Object.entries(workspace.get(name)?.dependencies ?? {})) {
        if (dep.startsWith("@hogsend/")) visit(dep, seen);
        else needed.set(dep, range);
      }
    };
    const seen = new Set<string>();
    for (const dep of Object.keys(api.dependencies ?? {})) if (dep.startsWith("@hogsend/")) visit(dep, seen);
    const problems = [...needed]
      .filter(([dep, range]) => api.dependencies?.[dep] !== range)
      .map(([dep, range]) => `${dep}@${range} (apps/api has ${api.dependencies?.[dep] ?? "nothing"})`);
    expect(problems).toEqual([]);
  });
});
