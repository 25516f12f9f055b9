import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OpenAPIHono } from "@hono/zod-openapi";
import { afterAll, describe, expect, it } from "vitest";
import type { AppEnv } from "../http/types.js";
import { findStudioAssetsDir } from "./assets-dir.js";
import { registerStudioRoutes } from "./routes.js";

const root = mkdtempSync(join(tmpdir(), "studio-assets-"));
const dist = join(root, "apps/studio/dist");
mkdirSync(join(dist, "assets"), { recursive: true });
writeFileSync(
  join(dist, "index.html"),
  '<!doctype html><script type="module" src="/studio/assets/app-1a2b.js"></script>',
);
writeFileSync(join(dist, "assets/app-1a2b.js"), "console.log('studio')");
writeFileSync(join(dist, "favicon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
writeFileSync(join(root, "secret.txt"), "not for the web");
afterAll(() => rmSync(root, { recursive: true, force: true }));

function studio(assetsDir: string | undefined) {
  const app = new OpenAPIHono<AppEnv>();
  registerStudioRoutes(app, { assetsDir: () => assetsDir });
  return app;
}

describe("Studio static serving", () => {
  const app = studio(dist);

  it("answers every client route with index.html, uncached, under a strict CSP", async () => {
    for (const path of ["/studio/", "/studio/contacts/u-1", "/studio/keys?x=1"]) {
      const res = await app.request(path);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("/studio/assets/app-1a2b.js");
      expect(res.headers.get("cache-control")).toBe("no-cache");
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).not.toContain("unsafe-eval");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
    }
  });

  it("redirects /studio to /studio/", async () => {
    const res = await app.request("/studio");
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toBe("/studio/");
  });

  it("serves hashed assets for a year and other files revalidated", async () => {
    const asset = await app.request("/studio/assets/app-1a2b.js");
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toContain("text/javascript");
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const icon = await app.request("/studio/favicon.svg");
    expect(icon.headers.get("content-type")).toBe("image/svg+xml");
    expect(icon.headers.get("cache-control")).toBe("no-cache");
  });

  it("404s a missing asset instead of answering it with the app", async () => {
    const res = await app.request("/studio/assets/app-old.js");
    expect(res.status).toBe(404);
  });

  it("never serves a file outside the build", async () => {
    for (const path of [
      "/studio/..%2f..%2f..%2fsecret.txt",
      "/studio/%2e%2e/%2e%2e/%2e%2e/secret.txt",
      "/studio/%E0%A4%A",
    ]) {
      const res = await app.request(path);
      expect(await res.text()).not.toContain("not for the web");
    }
  });

  it("answers a page saying how to build the assets when there are none, never a 500", async () => {
    for (const path of ["/studio/", "/studio/contacts", "/studio/assets/app.js"]) {
      const res = await studio(undefined).request(path);
      expect(res.status).toBe(503);
      expect(res.headers.get("content-type")).toContain("text/html");
      expect(await res.text()).toContain("pnpm --filter @hogsend/studio build");
    }
  });

  it("serves a build made while the api runs, without a restart", async () => {
    let built: string | undefined;
    const app = new OpenAPIHono<AppEnv>();
    registerStudioRoutes(app, { assetsDir: () => built });
    expect((await app.request("/studio/")).status).toBe(503);
    built = dist;
    expect((await app.request("/studio/")).status).toBe(200);
  });

  it("finds apps/studio/dist looking up from a nested folder, and nothing where there is none", () => {
    expect(findStudioAssetsDir(join(root, "apps/api/dist"))).toBe(dist);
    expect(findStudioAssetsDir(join(tmpdir(), "nowhere-near-a-studio"))).toBeUndefined();
  });
});
