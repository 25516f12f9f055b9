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
const viewer = { email: `viewer-${randomUUID()}@example.com`, password: `pw-${randomUUID()}` };

beforeAll(async () => {
  await createStudioUser(api.client.auth, { ...operator, role: "operator" });
  await createStudioUser(api.client.auth, { ...viewer, role: "viewer" });
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

/** Until the contact's enrollment is a run that has sent its email and sleeps: `waiting`. */
async function untilEnrollmentWaits(contactId: string) {
  await expect
    .poll(
      async () =>
        (await api.client.db.sql`select status from journey_states where contact_id = ${contactId}`)[0]
          ?.status,
      { timeout: 30_000, interval: 250 },
    )
    .toBe("waiting");
}

/** A watched page from an address of this file's own (10.16.x.<n>), before anyone signs in. */
async function newPage(n: number) {
  const watched = await openPage(browser, `http://127.0.0.1:${port}`, `10.16.${randomInt(256)}.${n}`);
  // Before sign-in the Studio asks who is signed in, and the api answers 401.
  watched.expectFailure("/v1/admin/me", 401);
  return watched;
}

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
    await untilEnrollmentWaits(contactId);

    const { page, context, errors } = await newPage(1);
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

  it("lets an operator enroll a contact by hand, shows a refusal's reason, and the run's step log", async () => {
    const userId = `u-${randomUUID()}`;
    const email = `${userId}@example.com`;
    const put = await api.request("/v1/contacts", {
      method: "PUT",
      key: api.keys.ingest,
      body: { userId, email },
    });
    expect(put.status).toBe(200);
    const { id: contactId } = (await put.json()) as { id: string };

    const { page, context, errors, expectFailure } = await newPage(2);
    // The second enrollment of the same contact is refused by the one-live-enrollment guard.
    expectFailure("/v1/admin/journeys/welcome/enroll", 409);
    await signIn(page, operator);
    await page.goto("/studio/journeys/welcome");
    const form = page.getByRole("form", { name: "Enroll a contact" });
    await form.getByLabel("Contact email or user id").fill(email);
    await form.getByLabel("Properties (JSON, optional)").fill("{not json");
    await form.getByRole("button", { name: "Enroll" }).click();
    await expect.poll(() => form.getByRole("alert").textContent()).toContain("Properties must be JSON");

    await form.getByLabel("Properties (JSON, optional)").fill('{"source": "studio test"}');
    await form.getByRole("button", { name: "Enroll" }).click();
    await expect.poll(() => form.getByRole("status").textContent()).toContain("Enrolled: run");
    await untilEnrollmentWaits(contactId);
    await inspect(page, "journey-enroll-started");

    await form.getByRole("button", { name: "Enroll" }).click();
    await expect.poll(() => form.getByRole("alert").textContent()).toMatch(/^Not enrolled: \S/);
    await inspect(page, "journey-enroll-refused");

    await page.reload();
    const row = page.getByRole("row").filter({ hasText: contactId });
    await row.getByRole("link", { name: "Step log" }).click();
    await page.getByRole("heading", { name: `Enrollment of ${contactId}` }).waitFor();
    await expect.poll(() => page.getByTestId("step-log").textContent()).toContain("sleep");
    expect(await page.getByTestId("step-log").textContent()).toContain("entered");
    await inspect(page, "journey-enrollment-step-log");
    await context.close();
    expect(errors, "console errors").toEqual([]);
  });

  it("shows a viewer no enroll form, and the API refuses the viewer's enrollment", async () => {
    const { page, context, errors, expectFailure } = await newPage(3);
    expectFailure("/v1/admin/journeys/welcome/enroll", 403);
    await signIn(page, viewer);
    await page.goto("/studio/journeys/welcome");
    // The status tabs carry the counts: the page has loaded what decides whether the form shows.
    await page.getByRole("button", { name: /^waiting \(\d+\)/ }).waitFor();
    await inspect(page, "journey-detail-as-viewer");
    expect(await page.getByRole("form", { name: "Enroll a contact" }).count()).toBe(0);
    const status = await page.evaluate(
      async () =>
        (
          await fetch("/v1/admin/journeys/welcome/enroll", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ userId: "anyone" }),
          })
        ).status,
    );
    expect(status).toBe(403);
    await context.close();
    expect(errors, "console errors").toEqual([]);
  });

  // The README's two pictures (docs/screenshots/) are these pages' screenshots, so the data is a
  // person's, not a test's: this file's database is its own, so fixed names are safe.
  it("tells a contact's story on its profile, and the journey's on its page", async () => {
    const ops = { email: "grace@acme.example", password: `pw-${randomUUID()}` };
    await createStudioUser(api.client.auth, { ...ops, role: "operator" });
    const who = { userId: "user_ada", email: "ada@acme.example" };
    const put = await api.request("/v1/contacts", {
      method: "PUT",
      key: api.keys.ingest,
      body: { ...who, properties: { firstName: "Ada", plan: "pro", company: "Analytical Engines" } },
    });
    const { id: contactId } = (await put.json()) as { id: string };
    for (const [name, properties] of [
      ["user_signed_up", { source: "pricing_page" }],
      ["project_created", { project: "Difference Engine" }],
      ["teammate_invited", { role: "editor" }],
    ] as const) {
      const fired = await api.request("/v1/events", {
        method: "POST",
        key: api.keys.ingest,
        body: { name, ...who, properties },
      });
      expect(fired.status).toBe(202);
    }
    // The welcome run sends its email, then sleeps a day.
    await untilEnrollmentWaits(contactId);

    const { page, context, errors } = await newPage(4);
    await signIn(page, ops);
    await page.goto(`/studio/contacts/${contactId}`);
    const timeline = page.getByTestId("timeline");
    for (const item of [
      "user_signed_up",
      "project_created",
      "teammate_invited",
      "welcome",
      "Welcome to Acme, Ada",
    ])
      await expect.poll(() => timeline.textContent(), { timeout: 10_000 }).toContain(item);
    expect(await page.getByText("Analytical Engines").count()).toBe(1);
    await inspect(page, "readme-contact-profile");

    await page.goto("/studio/journeys/welcome");
    await page.getByRole("heading", { name: "Welcome series" }).waitFor();
    await page.getByRole("button", { name: /^waiting \(\d+\)/ }).waitFor();
    await inspect(page, "readme-journey");
    await context.close();
    expect(errors, "console errors").toEqual([]);
  });
});
