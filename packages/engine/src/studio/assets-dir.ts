import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Where the Studio's build lands, relative to the repository (and to the image's /app). */
export const STUDIO_DIST = "apps/studio/dist";

/**
 * The built Studio: the first `apps/studio/dist` holding an index.html, looking up from `from`.
 * From source that is the repository; in the image the api runs bundled from
 * /app/apps/api/dist and the assets sit at /app/apps/studio/dist. Undefined when not built.
 */
export function findStudioAssetsDir(
  from: string = dirname(fileURLToPath(import.meta.url)),
): string | undefined {
  for (let dir = from, depth = 0; depth < 8; depth++) {
    const candidate = join(dir, STUDIO_DIST);
    if (existsSync(join(candidate, "index.html"))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}
