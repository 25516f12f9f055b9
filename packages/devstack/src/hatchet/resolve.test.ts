import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { userBinDir } from "../env.js";
import { liteCacheDir, resolveHatchetBinaries } from "./resolve.js";
import { LITE_COMMANDS } from "./versions.js";

const made: string[] = [];
afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), "hogsend-bin-"));
  made.push(dir);
  return dir;
};
/** A built hatchet-lite in `binDir`, as far as the resolver looks. */
const placeLite = async (binDir: string) => {
  await mkdir(liteCacheDir(binDir), { recursive: true });
  for (const cmd of LITE_COMMANDS) await writeFile(join(liteCacheDir(binDir), cmd), "");
};

describe("the Hatchet engine cache", () => {
  it("is per user and platform, shared by clones, under HOGSEND_CACHE_DIR or the XDG cache", () => {
    const platform = `${process.platform}-${process.arch}`;
    expect(userBinDir({ HOGSEND_CACHE_DIR: "/c" })).toBe(`/c/bin/${platform}`);
    expect(userBinDir({ XDG_CACHE_HOME: "/x" })).toBe(`/x/hogsend/bin/${platform}`);
    expect(userBinDir({})).toMatch(new RegExp(`/\\.cache/hogsend/bin/${platform}$`));
  });

  it("finds a build in the per-user cache from a clone that has none of its own", async () => {
    const [clone, shared] = [await tempDir(), await tempDir()];
    await placeLite(shared);
    expect(await resolveHatchetBinaries({ binDir: clone, sharedBinDir: shared })).toEqual({
      kind: "lite",
      dir: liteCacheDir(shared),
      route: "lite:cache",
    });
  });

  it("prefers the clone's own .hogsend/bin, which stays an override", async () => {
    const [clone, shared] = [await tempDir(), await tempDir()];
    await placeLite(shared);
    await placeLite(clone);
    expect(await resolveHatchetBinaries({ binDir: clone, sharedBinDir: shared })).toMatchObject({
      dir: liteCacheDir(clone),
    });
  });
});
