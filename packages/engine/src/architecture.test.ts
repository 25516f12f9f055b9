import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * The engine's folders are its bounded contexts (ARCHITECTURE.md, "Layout"). Dependencies between
 * them must run one way: a cycle means two contexts can no longer be read, tested or replaced
 * apart. Type-only imports count too: they couple the contexts' shapes just the same.
 */
const SRC = dirname(fileURLToPath(import.meta.url));
/** The package's entry points (its `exports` map). `env.ts` is imported inside too: it imports nothing of the engine. */
const ENTRIES = new Set(["index.ts", "testing.ts", "env.ts"]);
/** Sub-contexts: `email/outbound/x.ts` belongs to `email/outbound`, `email/links.ts` to `email`. */
const NESTED = new Set(["email"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

/** The folder (context) a file under src belongs to. */
export function contextOf(file: string): string {
  const parts = relative(SRC, file).split("/");
  if (parts.length === 1) return ".";
  const [top, sub] = parts;
  if (top && NESTED.has(top) && parts.length > 2 && sub) return `${top}/${sub}`;
  return top ?? ".";
}

function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  return importedFiles
    .map((i) => i.fileName)
    .filter((spec) => spec.startsWith("."))
    .map((spec) => resolve(dirname(file), spec).replace(/\.js$/, ".ts"))
    .map((path) => (path.endsWith(".ts") && !statSafe(path) && statSafe(`${path}x`) ? `${path}x` : path));
}

function statSafe(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Every cycle (as a list of nodes) in a directed graph, one per strongly connected component. */
export function findCycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    indices.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, indices.get(next) ?? 0));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || graph.get(node)?.has(node)) cycles.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return cycles;
}

const files = sourceFiles(SRC).filter((f) => !ENTRIES.has(relative(SRC, f)));
const edges = files.map((file) => ({ file, imports: importsOf(file) }));

describe("the engine's architecture", () => {
  it("has no import cycles between files", () => {
    const graph = new Map(
      edges.map(({ file, imports }) => [relative(SRC, file), new Set(imports.map((i) => relative(SRC, i)))]),
    );
    expect(findCycles(graph)).toEqual([]);
  });

  it("has no import cycles between its contexts (folders)", () => {
    const graph = new Map<string, Set<string>>();
    const why = new Map<string, string>();
    for (const { file, imports } of edges) {
      const from = contextOf(file);
      for (const target of imports) {
        const to = contextOf(target);
        if (to === from) continue;
        if (!graph.has(from)) graph.set(from, new Set());
        graph.get(from)?.add(to);
        why.set(`${from} → ${to}`, `${relative(SRC, file)} imports ${relative(SRC, target)}`);
      }
    }
    const cycles = findCycles(graph).map((nodes) =>
      [...why.entries()]
        .filter(([edge]) => nodes.some((a) => nodes.some((b) => a !== b && edge === `${a} → ${b}`)))
        .map(([, reason]) => reason),
    );
    expect(cycles).toEqual([]);
  });

  it("keeps code at the root to the entries, and the env contract a leaf", () => {
    expect(files.filter((f) => contextOf(f) === ".").map((f) => relative(SRC, f))).toEqual([]);
    expect(importsOf(join(SRC, "env.ts"))).toEqual([]);
  });

  it("finds a cycle when there is one", () => {
    const graph = new Map([
      ["a", new Set(["b"])],
      ["b", new Set(["c"])],
      ["c", new Set(["a"])],
      ["d", new Set(["a"])],
    ]);
    expect(findCycles(graph)).toEqual([["a", "b", "c"]]);
  });
});
