import { readFile, stat } from "node:fs/promises";
import { extname, resolve, sep } from "node:path";
import type { Context } from "hono";
import { html, renderPage } from "../http/html-pages.js";
import type { ApiApp } from "../http/types.js";
import { STUDIO_PAGE_HEADERS } from "./security-headers.js";

export const STUDIO_BASE_PATH = "/studio";

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

/** Vite names everything under assets/ by content hash: a changed file is a new URL. */
const HASHED_ASSET_CACHE = "public, max-age=31536000, immutable";

/**
 * Serves the built Studio under /studio: hashed assets with a year's cache, other files
 * revalidated, and index.html (no-cache, strict CSP) for every other path so the client router
 * owns them. Without a build, every path answers a page saying how to make one. `assetsDir` is
 * asked per request until it finds a build, so one made while the api runs (pnpm dev's first run
 * builds it beside the api's start) is served without a restart.
 */
export function registerStudioRoutes(app: ApiApp, options: { assetsDir: () => string | undefined }) {
  app.get(STUDIO_BASE_PATH, (c) => c.redirect(`${STUDIO_BASE_PATH}/`, 301));
  app.get(`${STUDIO_BASE_PATH}/*`, async (c) => {
    const assetsDir = options.assetsDir();
    if (!assetsDir) return notBuilt(c);
    const rel = c.req.path.slice(STUDIO_BASE_PATH.length + 1);
    const file = rel === "" ? undefined : await staticFile(assetsDir, rel);
    if (file) {
      const cache = rel.startsWith("assets/") ? HASHED_ASSET_CACHE : "no-cache";
      return c.body(new Uint8Array(file.body), 200, {
        "Content-Type": file.type,
        "Cache-Control": cache,
        "X-Content-Type-Options": "nosniff",
      });
    }
    // A missing hashed asset is an old tab asking for a previous build: a 404, not the app.
    if (rel.startsWith("assets/")) return c.text("Not found", 404, { "Cache-Control": "no-store" });
    let index: Buffer;
    try {
      index = await readFile(resolve(assetsDir, "index.html"));
    } catch {
      return notBuilt(c);
    }
    return c.body(new Uint8Array(index), 200, {
      ...STUDIO_PAGE_HEADERS,
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-cache",
    });
  });
}

/** A regular file inside `root` with a known type, or undefined (never a path outside root). */
async function staticFile(root: string, rel: string) {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rel);
  } catch {
    return undefined;
  }
  const path = resolve(root, decoded);
  if (!path.startsWith(`${resolve(root)}${sep}`) || decoded.includes("\0")) return undefined;
  const type = CONTENT_TYPES[extname(path).toLowerCase()];
  if (!type) return undefined;
  try {
    if (!(await stat(path)).isFile()) return undefined;
    return { type, body: await readFile(path) };
  } catch {
    return undefined;
  }
}

function notBuilt(c: Context) {
  const body = renderPage({
    title: "Studio is not built",
    body: html`<p>The api found no built Studio assets (<code>apps/studio/dist</code>).</p>
<p>Build them with <code>pnpm --filter @hogsend/studio build</code> and reload, or run the
Studio's dev server with hot reload: <code>pnpm --filter @hogsend/studio dev</code>.</p>`,
  });
  return c.body(body, 503, {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    "Retry-After": "60",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy":
      "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
  });
}
