import { existsSync } from "node:fs";
import { join } from "node:path";
import { runToExit } from "@hogsend/devstack/process";

/**
 * A fresh clone has no Studio build, and the api would answer /studio with "not built": build it
 * once (a few seconds, beside the stack's start). An existing build is left alone; working on the
 * Studio itself is `pnpm --filter @hogsend/studio dev`, with hot reload.
 */
export async function ensureStudioBuilt(root: string, log: (line: string) => void): Promise<void> {
  if (existsSync(join(root, "apps/studio/dist/index.html"))) return;
  const started = performance.now();
  log("building the Studio (first run only)");
  const result = await runToExit("pnpm", ["--filter", "@hogsend/studio", "build"], {
    cwd: root,
    timeoutMs: 180_000,
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (result.code === 0) log(`Studio built (${seconds}s)`);
  else
    log(
      `the Studio did not build (exit ${result.code}): /studio says how to build it. ` +
        `Last output:\n${result.output.trim().split("\n").slice(-10).join("\n")}`,
    );
}
