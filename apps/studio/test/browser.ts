import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { expect } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = join(here, "../../..");
export const STUDIO_DIST = join(here, "../dist");
const ARTIFACTS = join(REPO_ROOT, ".hogsend/artifacts/studio");
const CHROMIUM = "/usr/bin/chromium";

/** The two widths every page is looked at: a laptop and a phone. */
export const WIDTHS = [
  { name: "1280", width: 1280, height: 860 },
  { name: "390", width: 390, height: 844 },
] as const;

/** Fails early, with the fix, when a prerequisite is missing (never a silent skip). */
export function assertBrowserPrerequisites() {
  if (!existsSync(join(STUDIO_DIST, "index.html")))
    throw new Error(
      "apps/studio/dist is not built: run `pnpm --filter @hogsend/studio build` (pnpm test does)",
    );
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run installs it)`);
}

export function launchChromium(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
}

/**
 * A page that records every console error and uncaught exception. A failed request the browser
 * logs ("Failed to load resource") counts too, unless the test declared that answer expected
 * with `expectFailure` (a 401 before sign-in, the 403 a viewer is meant to get).
 */
export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  errors: string[];
  expectFailure(pathPrefix: string, status: number): void;
}

/**
 * `clientIp` goes out as x-real-ip, which the api believes when it trusts 127.0.0.1 as a proxy:
 * each page is then its own client for the sign-in limit (10 a minute per IP).
 */
export async function openPage(browser: Browser, baseUrl: string, clientIp: string): Promise<WatchedPage> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: WIDTHS[0],
    extraHTTPHeaders: { "x-real-ip": clientIp },
  });
  const page = await context.newPage();
  const errors: string[] = [];
  const expected: { pathPrefix: string; status: number }[] = [];
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const text = msg.text();
    const url = msg.location().url;
    const status = Number(/status of (\d{3})/.exec(text)?.[1]);
    const path = url ? new URL(url).pathname : "";
    if (expected.some((e) => e.status === status && path.startsWith(e.pathPrefix))) return;
    errors.push(`${text} (${url})`);
  });
  page.on("pageerror", (err) => errors.push(`uncaught: ${err.message}`));
  return {
    page,
    context,
    errors,
    expectFailure: (pathPrefix, status) => expected.push({ pathPrefix, status }),
  };
}

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core on the page as it stands: the serious and critical violations, described. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  axeSource ??= await readFile(require.resolve("axe-core/axe.min.js"), "utf8");
  // Injected through the DevTools protocol, not a <script>: the Studio's CSP forbids inline script.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(
    async () =>
      (
        (await (window as unknown as { axe: { run: (ctx: Document) => Promise<unknown> } }).axe.run(
          document,
        )) as {
          violations: AxeViolation[];
        }
      ).violations,
  );
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

const FRAME_PAINT_MS = 1_000;

/**
 * A sandboxed frame is painted by a process of its own, a moment after its DOM is there or the
 * viewport changes, and not at all while it is off screen (Chromium throttles it); a script-less
 * frame cannot say when it is done. Without this, screenshots show frames blank. The full-page
 * capture ignores the scroll, so the page is left scrolled to the last frame.
 */
async function paintFrames(page: Page) {
  const frames = page.locator("iframe");
  const count = await frames.count();
  if (count === 0) return;
  for (let i = 0; i < count; i++) await frames.nth(i).scrollIntoViewIfNeeded();
  await page.waitForTimeout(FRAME_PAINT_MS);
}

/** Screenshots of the page at both widths, then back to the laptop width. */
export async function screenshots(page: Page, name: string): Promise<string[]> {
  await mkdir(ARTIFACTS, { recursive: true });
  const files: string[] = [];
  for (const size of WIDTHS) {
    await page.setViewportSize({ width: size.width, height: size.height });
    await paintFrames(page);
    const file = join(ARTIFACTS, `${name}-${size.name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    files.push(file);
  }
  await page.setViewportSize({ width: WIDTHS[0].width, height: WIDTHS[0].height });
  return files;
}

/** Checked on every page a test visits: accessible, and pictured at both widths. */
export async function inspect(page: Page, name: string) {
  await page.waitForLoadState("networkidle");
  await expect.poll(() => page.locator('[aria-busy="true"]').count(), { timeout: 10_000 }).toBe(0);
  expect(await seriousA11yViolations(page), `a11y on ${name}`).toEqual([]);
  await screenshots(page, name);
}

/** Signs in through the form, as a person would, and waits for the signed-in shell. */
export async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto("/studio/");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation", { name: "Main" }).waitFor();
}
