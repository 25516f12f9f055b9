import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const { scripts } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
};

describe("root scripts", () => {
  it("exec node in the scripts a developer stops with Ctrl-C, so a clean stop exits 0 without ELIFECYCLE", () => {
    // pnpm runs a script under sh. A terminal's Ctrl-C reaches sh too, and sh dies of it once
    // node exits, however cleanly: pnpm then reports exit 130. With exec there is no sh left.
    // node --import tsx rather than the tsx CLI, which answers a relayed SIGINT with 130 itself.
    for (const name of ["dev", "worker", "infra", "hogsend"])
      expect(scripts[name], name).toMatch(/^exec node --import tsx /);
  });
});
