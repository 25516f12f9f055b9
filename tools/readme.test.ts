import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");
const read = (file: string) => readFileSync(join(root, file), "utf8");

describe("the README's first steps", () => {
  it("install the pnpm that package.json pins: another pnpm 10 refuses the repository", () => {
    const pinned = (JSON.parse(read("package.json")) as { packageManager: string }).packageManager.split(
      "@",
    )[1];
    expect(read("README.md")).toContain(`npm i -g pnpm@${pinned}`);
  });
});
