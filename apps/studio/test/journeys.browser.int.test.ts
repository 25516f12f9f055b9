import { randomInt, randomUUID } from "node:crypto";
import { createStudioUser } from "@hogsend/access";
import { content } from "@hogsend/api/content";
import { getFreePort } from "@hogsend/devstack";
import { createLogger, type RunningServer, serveApp } from "@hogsend/engine";
import { setupTestApp } from "@hogsend/engine/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBrowserPrerequisites, inspect, launchChromium, openPage, signIn } from "./browser.js";

let port = 0;
beforeAll(async () => {
  assertBrowserPrerequisites();
  port = await getFreePort();
});
// A worker too: an enrollment is a real run on Hatchet, which writes the state the page lists.
const api = setupTestApp({
  // The page's x-real-ip is believed (sign-in limits are per IP, in the run's shared Redis).
  env: () => ({ API_PUBLIC_URL: `http://127.0.0.1:${port}`, TRUSTED_PROXIES: "127.0.0.1" }),
  content: { journeys: content.journeys, templates: content.templates },
  worker: { name: "studio-journeys-browser", slots: 5 },
  keys: ["ingest"],
});

let server: RunningServer;
let browser: Browser;
const operator = { email: `operator-${randomUUID()}@example.com`, password: `pw-${randomUUID()}` };

beforeAll(async () => {
  await createStudioUser(api.client.auth, { ...operator, role: "operator" });
  server = await serveApp(api.app, {
    port,
    logger: createLogger({ level: "error", json: true, write: () => {} }),
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("journey enrollments in a browser", () => {
  it("lists a live enrollment by status and lets an operator cancel it", async () => {
    const userId = `u-${randomUUID()}`;
    const fired = await api.request("/v1/events", {
      method: "POST",
      key: api.keys.ingest,
      body: { name: "user_signed_up", userId, email: `${userId}@example.com` },
    });
    expect(fired.status).toBe(202);
    const { contactId } = (await fired.json()) as { contactId: string };
    // The welcome run sends its email, then sleeps a day: waiting.
    await expect
      .poll(
        async () =>
          (await api.client.db.sql`select status from journey_states where contact_id = ${contactId}`)[0]
            ?.status,
        { timeout: 30_000, interval: 250 },
      )
      .toBe("waiting");

    const { page, context, errors, expectFailure } = await openPage(
      browser,
      `http://127.0.0.1:${port}`,
      `10.16.${randomInt(256)}.1`,
    );
    expectFailure("/v1/admin/me", 401);
    await signIn(page, operator);
    await page.goto("/studio/journeys/welcome");
    await page.getByRole("button", { name: /^waiting/ }).click();
    const row = page.getByRole("row").filter({ hasText: contactId });
    await row.waitFor();
    await inspect(page, "journey-detail-waiting");
    await row.getByRole("button", { name: "Cancel" }).click();
    await page.getByRole("button", { name: "exited (1)" }).click();
    await page.getByRole("row").filter({ hasText: contactId }).filter({ hasText: "exited" }).waitFor();

    const [state] = await api.client.db.sql`
      select status, exit_reason from journey_states where contact_id = ${contactId}`;
    expect(state?.status).toBe("exited");
    expect(state?.exit_reason).toContain("cancelled by");
    await context.close();
    expect(errors, "console errors").toEqual([]);
  });
});
