import { randomInt, randomUUID } from "node:crypto";
import { createStudioUser } from "@hogsend/access";
import { content } from "@hogsend/api/content";
import { insertAuditLog, insertEmailSendOnce, recordPermanentBounce, upsertContact } from "@hogsend/db";
import { getFreePort } from "@hogsend/devstack";
import { createLogger, type RunningServer, serveApp } from "@hogsend/engine";
import { setupTestApp } from "@hogsend/engine/testing";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  assertBrowserPrerequisites,
  inspect,
  launchChromium,
  openPage,
  signIn,
  type WatchedPage,
} from "./browser.js";

let port = 0;
beforeAll(async () => {
  assertBrowserPrerequisites();
  port = await getFreePort();
});
// better-auth checks a sign-in's Origin against its base URL: the address the browser uses.
const api = setupTestApp({
  env: () => ({
    API_PUBLIC_URL: `http://127.0.0.1:${port}`,
    ADMIN_RATE_LIMIT_PER_MINUTE: "10000",
    // The pages send x-real-ip (see openPage), so each is its own client for the sign-in limit.
    TRUSTED_PROXIES: "127.0.0.1",
  }),
  content: { journeys: content.journeys, templates: content.templates },
  keys: ["ingest", "send", "full-admin"],
});

let server: RunningServer;
let browser: Browser;
const baseUrl = () => `http://127.0.0.1:${port}`;
const admin = { email: `admin-${randomUUID()}@example.com`, password: `pw-${randomUUID()}` };
const viewer = { email: `viewer-${randomUUID()}@example.com`, password: `pw-${randomUUID()}` };
const operator = { email: `operator-${randomUUID()}@example.com`, password: `pw-${randomUUID()}` };
const opened: WatchedPage[] = [];

beforeAll(async () => {
  await createStudioUser(api.client.auth, { ...admin, role: "admin" });
  await createStudioUser(api.client.auth, { ...viewer, role: "viewer" });
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
afterEach(async () => {
  // Every page a test opened: no console error, whatever the test asserted.
  for (const watched of opened.splice(0)) {
    const errors = [...watched.errors];
    await watched.context.close();
    expect(errors, "console errors").toEqual([]);
  }
});

// Sign-in limits live in the run's shared Redis: addresses of this file's own (10.15.x.y).
const ipBlock = randomInt(256);
let pages = 0;
async function newPage() {
  pages += 1;
  const watched = await openPage(browser, baseUrl(), `10.15.${ipBlock}.${pages}`);
  // Before sign-in the Studio asks who is signed in, and the api answers 401.
  watched.expectFailure("/v1/admin/me", 401);
  opened.push(watched);
  return watched;
}

const adminApi = (path: string, init: { method?: string; body?: unknown } = {}) =>
  api.request(path, { ...init, key: api.keys["full-admin"] });

describe("Studio in a browser", () => {
  it("signs in, and shows the error for a wrong password", async () => {
    const { page, expectFailure } = await newPage();
    expectFailure("/api/auth/sign-in/email", 401);
    await page.goto("/studio/");
    await page.getByRole("heading", { name: "Sign in to Hogsend Studio" }).waitFor();
    await inspect(page, "sign-in");
    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("Invalid email or password");
    await inspect(page, "sign-in-wrong-password");

    await page.getByLabel("Password").fill(admin.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    await expect.poll(() => page.getByText(admin.email).count()).toBe(1);
    await inspect(page, "overview");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to Hogsend Studio" }).waitFor();
    const after = await page.evaluate(async () => (await fetch("/v1/admin/me")).status);
    expect(after).toBe(401);
  });

  it("shows an event fired through the API on the contact's timeline", async () => {
    const email = `ada-${randomUUID()}@example.com`;
    const fired = await api.request("/v1/events", {
      method: "POST",
      key: api.keys.ingest,
      body: { name: "studio_browser_check", userId: `u-${randomUUID()}`, email },
    });
    expect(fired.status).toBeLessThan(300);
    const { page } = await newPage();
    await signIn(page, admin);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Contacts" }).click();
    await page.getByRole("heading", { name: "Contacts" }).waitFor();
    await inspect(page, "contacts");
    await page.getByLabel("Search contacts").fill(email);
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("link", { name: email }).click();
    await page.getByRole("heading", { name: email }).waitFor();
    await expect.poll(() => page.getByTestId("timeline").textContent()).toContain("studio_browser_check");
    await inspect(page, "contact-detail");

    await page.goto("/studio/events");
    await page.getByRole("heading", { name: "Events" }).waitFor();
    await expect
      .poll(() => page.getByRole("table", { name: "Events" }).textContent())
      .toContain("studio_browser_check");
    await inspect(page, "events");
  });

  it("creates a key shown once, and once revoked the API refuses it", async () => {
    const { page } = await newPage();
    await signIn(page, admin);
    await page.getByRole("link", { name: "API keys" }).click();
    await page.getByRole("heading", { name: "API keys" }).waitFor();
    const name = `browser key ${randomUUID().slice(0, 8)}`;
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("read", { exact: true }).check();
    await page.getByRole("button", { name: "Create key" }).click();
    const secret = (await page.getByTestId("new-key-secret").textContent()) ?? "";
    expect(secret).toMatch(/^hsk_/);
    await inspect(page, "api-keys");
    const asKey = () => api.request("/v1/admin/contacts", { key: secret });
    expect((await asKey()).status).toBe(200);

    await page.reload();
    await page.getByRole("table", { name: "API keys" }).waitFor();
    expect(await page.getByTestId("new-key-secret").count()).toBe(0);
    expect(await page.content()).not.toContain(secret);

    await page.getByRole("button", { name: `Revoke ${name}` }).click();
    const dialog = page.getByRole("dialog", { name: `Revoke ${name}?` });
    await inspect(page, "api-keys-revoke-dialog");
    await dialog.getByRole("button", { name: "Revoke key" }).click();
    await expect.poll(() => page.getByRole("button", { name: `Revoke ${name}` }).count()).toBe(0);
    expect((await asKey()).status).toBe(401);
  });

  it("disables a journey, and the API and the audit log say so", async () => {
    const { page } = await newPage();
    await signIn(page, admin);
    await page.goto("/studio/journeys");
    await page.getByRole("heading", { name: "Journeys" }).waitFor();
    await inspect(page, "journeys");
    await page.getByRole("button", { name: "Disable Welcome series" }).click();
    await page.getByRole("button", { name: "Enable Welcome series" }).waitFor();
    const journeys = (await (await adminApi("/v1/admin/journeys")).json()) as {
      items: { id: string; enabled: boolean }[];
    };
    expect(journeys.items.find((j) => j.id === "welcome")?.enabled).toBe(false);

    await page.getByRole("link", { name: "Audit log" }).click();
    await page.getByRole("heading", { name: "Audit log" }).waitFor();
    const row = page.getByRole("row").filter({ hasText: "journey.update" }).filter({ hasText: "welcome" });
    await expect.poll(() => row.count()).toBe(1);
    await inspect(page, "audit-log");

    await page.goto("/studio/journeys/welcome");
    await page.getByRole("heading", { name: "Welcome series" }).waitFor();
    await inspect(page, "journey-detail");
  });

  it("shows a viewer no keys page and no action buttons, and the API refuses them anyway", async () => {
    const { page, expectFailure } = await newPage();
    expectFailure("/v1/admin/api-keys", 403);
    expectFailure("/v1/admin/journeys/welcome", 403);
    await signIn(page, viewer);
    const nav = page.getByRole("navigation", { name: "Main" });
    expect(await nav.getByRole("link", { name: "API keys" }).count()).toBe(0);
    expect(await nav.getByRole("link", { name: "Users" }).count()).toBe(0);
    await page.goto("/studio/journeys");
    await page.getByRole("table", { name: "Journeys" }).waitFor();
    expect(await page.getByRole("button", { name: /^(Disable|Enable) / }).count()).toBe(0);
    await page.goto("/studio/api-keys");
    await page.getByText("API keys are for admins").waitFor();
    await inspect(page, "api-keys-as-viewer");

    // The same requests the admin's buttons make, sent with the viewer's session.
    const statuses = await page.evaluate(async () => {
      const keys = await fetch("/v1/admin/api-keys");
      const patch = await fetch("/v1/admin/journeys/welcome", {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ enabled: false }),
      });
      return [keys.status, patch.status];
    });
    expect(statuses).toEqual([403, 403]);
  });

  it("previews a template in a sandboxed frame, with props edited, and sends a test to the operator only", async () => {
    const { page, expectFailure } = await newPage();
    expectFailure("/v1/admin/templates/welcome/preview", 400);
    await signIn(page, operator);
    await page.goto("/studio/templates");
    await page.getByRole("button", { name: "Preview welcome" }).click();
    const frame = page.locator("iframe");
    expect(await frame.getAttribute("sandbox")).toBe("");
    const body = page.frameLocator("iframe").locator("body");
    await expect.poll(() => body.textContent(), { timeout: 10_000 }).toContain("Ada");

    // Props the template's schema refuses: the field is named, and the frame keeps the last render.
    const props = page.getByRole("textbox", { name: /^Props \(JSON/ });
    await props.fill('{"firstName": ""}');
    await page.getByRole("button", { name: "Render" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("props.firstName");
    await props.fill('{"firstName": "Grace"}');
    await page.getByRole("button", { name: "Render" }).click();
    await expect.poll(() => body.textContent(), { timeout: 10_000 }).toContain("Grace");
    await inspect(page, "templates");

    await page.getByRole("button", { name: `Send a test to ${operator.email}` }).click();
    await expect
      .poll(() => page.getByRole("status").textContent())
      .toContain(`Test sent to ${operator.email}`);
    const sent = await api.client.db.sql<{ to_email: string; props: unknown }[]>`
      select to_email, props from email_sends where template = 'welcome' and to_email = ${operator.email}`;
    expect(sent).toEqual([{ to_email: operator.email, props: { firstName: "Grace" } }]);

    // The send it made shows the email it carries, in a sandboxed frame too.
    await page.getByRole("link", { name: "See the send" }).click();
    await page.getByRole("heading", { name: "Email" }).waitFor();
    const sendFrame = page.locator("iframe");
    expect(await sendFrame.getAttribute("sandbox")).toBe("");
    await expect
      .poll(() => page.frameLocator("iframe").locator("body").textContent(), { timeout: 10_000 })
      .toContain("Grace");
    await inspect(page, "send-detail-test-send");
  });

  it("offers a viewer a template's preview but no test send", async () => {
    const { page, expectFailure } = await newPage();
    expectFailure("/v1/admin/templates/welcome/test-send", 403);
    await signIn(page, viewer);
    await page.goto("/studio/templates?preview=welcome");
    await page.getByRole("button", { name: "Render" }).waitFor();
    expect(await page.getByRole("button", { name: /^Send a test/ }).count()).toBe(0);
    const status = await page.evaluate(async () => {
      const res = await fetch("/v1/admin/templates/welcome/test-send", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      return res.status;
    });
    expect(status).toBe(403);
  });

  it("renders every other page at both widths without errors", async () => {
    const queued = await api.request("/v1/emails", {
      method: "POST",
      key: api.keys.send,
      body: {
        to: `send-${randomUUID()}@example.com`,
        template: "receipt",
        props: content.templates?.receipt?.example,
      },
    });
    const sendId = ((await queued.json()) as { emailSendId?: string }).emailSendId;
    const { page } = await newPage();
    await signIn(page, admin);
    const pages: [string, string][] = [
      ["/studio/sends", "sends"],
      [`/studio/sends/${sendId}`, "send-detail"],
      ["/studio/users", "users"],
      ["/studio/account", "account"],
      ["/studio/lists", "lists"],
      ["/studio/no-such-page", "not-found"],
    ];
    for (const [path, name] of pages) {
      await page.goto(path);
      await page.getByRole("heading", { level: 1 }).first().waitFor();
      await inspect(page, name);
    }
    expect(sendId).toBeTruthy();
  });

  it("lets an admin create a user with a role and reset a password", async () => {
    const { page } = await newPage();
    await signIn(page, admin);
    await page.getByRole("link", { name: "Users" }).click();
    const email = `operator-${randomUUID()}@example.com`;
    const form = page.getByRole("form", { name: "New user" });
    await form.getByLabel("Email").fill(email);
    await form.getByLabel("Role").selectOption("operator");
    await form.getByLabel("First password").fill("first-password");
    await form.getByRole("button", { name: "Create user" }).click();
    await page.getByRole("cell", { name: email, exact: true }).waitFor();

    await page.getByRole("button", { name: `Reset password of ${email}` }).click();
    const dialog = page.getByRole("dialog", { name: `Reset the password of ${email}` });
    await dialog.getByLabel("New password").fill("second-password");
    await dialog.getByRole("button", { name: "Set password" }).click();
    await page.getByText("Password reset; that user's sessions ended.").waitFor();
    await inspect(page, "users-after-reset");

    const signInAs = (password: string) =>
      api.request("/api/auth/sign-in/email", {
        method: "POST",
        body: { email, password },
        headers: { "x-real-ip": `10.15.${ipBlock}.201` },
      });
    expect((await signInAs("first-password")).status).toBe(401);
    const signedIn = await signInAs("second-password");
    expect(signedIn.status).toBe(200);
    const cookie = signedIn.headers.get("set-cookie")?.split(";")[0] ?? "";
    const me = (await (await api.request("/v1/admin/me", { headers: { cookie } })).json()) as {
      user: { role: string };
    };
    expect(me.user.role).toBe("operator");
  });

  it("lets an operator resend a failed send, and shows a viewer no resend button", async () => {
    const subject = `Failed ${randomUUID().slice(0, 8)}`;
    const { send } = await insertEmailSendOnce(api.client.db.db, {
      idempotencyKey: `browser:${randomUUID()}`,
      contactId: null,
      toEmail: "failed@example.com",
      template: "welcome",
      category: "onboarding",
      subject,
      props: {},
      journeyId: null,
      journeyStateId: null,
      status: "queued",
      reason: null,
    });
    // What the dispatcher leaves after its last attempt.
    await api.client.db.sql`update email_sends set status = 'failed', attempts = 8, failed_at = now(),
      reason = 'gave up after 8 attempts' where id = ${send.id}`;

    const asViewer = await newPage();
    await signIn(asViewer.page, viewer);
    await asViewer.page.goto(`/studio/sends/${send.id}`);
    await asViewer.page.getByRole("heading", { name: subject }).waitFor();
    expect(await asViewer.page.getByRole("button", { name: "Resend" }).count()).toBe(0);

    const { page } = await newPage();
    await signIn(page, operator);
    await page.goto("/studio/sends");
    await page.getByLabel("Status").selectOption("failed");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.getByRole("link", { name: subject }).click();
    await page.getByRole("heading", { name: subject }).waitFor();
    await inspect(page, "send-detail-failed");
    await page.getByRole("button", { name: "Resend" }).click();
    await page.getByText("Queued again.").waitFor();
    const [row] = await api.client.db.sql`select status from email_sends where id = ${send.id}`;
    expect(row?.status).toBe("queued");
    const [audit] = await api.client.db.sql`select action from audit_logs where resource_id = ${send.id}`;
    expect(audit?.action).toBe("email.resend");
  });

  it("finds a contact by property and lets an operator lift its suppression with a reason", async () => {
    const email = `bounced-${randomUUID()}@example.com`;
    const tag = randomUUID().slice(0, 8);
    const contact = await upsertContact(api.client.db.db, {
      externalId: `u-${randomUUID()}`,
      email,
      properties: { cohort: tag, seats: 3 },
    });
    // A second contact with the same cohort but other seats: the filter must leave it out.
    const other = `other-${randomUUID()}@example.com`;
    await upsertContact(api.client.db.db, {
      externalId: `u-${randomUUID()}`,
      email: other,
      properties: { cohort: tag, seats: 4 },
    });
    await recordPermanentBounce(api.client.db.db, contact.id, 1, "mailbox does not exist");

    // A viewer sees the suppression but no button, and the API refuses the viewer's request.
    const asViewer = await newPage();
    asViewer.expectFailure(`/v1/admin/contacts/${contact.id}/preferences`, 403);
    await signIn(asViewer.page, viewer);
    await asViewer.page.goto(`/studio/contacts/${contact.id}`);
    await asViewer.page.getByRole("heading", { name: email }).waitFor();
    expect(await asViewer.page.getByRole("button", { name: "Lift suppression" }).count()).toBe(0);
    const refused = await asViewer.page.evaluate(
      async (id) =>
        (
          await fetch(`/v1/admin/contacts/${id}/preferences`, {
            method: "PUT",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ suppressed: false, reason: "viewer tries" }),
          })
        ).status,
      contact.id,
    );
    expect(refused).toBe(403);

    const { page } = await newPage();
    await signIn(page, operator);
    await page.goto("/studio/contacts");
    await page.getByLabel("Property equals").fill(`seats=3`);
    await page.getByLabel("Search contacts").fill(email);
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("link", { name: email }).waitFor();
    expect(new URL(page.url()).searchParams.get("property")).toBe("seats=3");
    await page.reload();
    await page.getByRole("link", { name: email }).waitFor();
    expect(await page.getByRole("link", { name: other }).count()).toBe(0);
    await inspect(page, "contacts-property-filter");

    await page.getByRole("link", { name: email }).click();
    await page.getByRole("heading", { name: email }).waitFor();
    await page.getByRole("button", { name: "Lift suppression" }).click();
    const dialog = page.getByRole("dialog", { name: "Lift the suppression?" });
    await dialog.getByLabel("Reason (written to the audit log)").fill("they fixed their mailbox");
    await inspect(page, "contact-lift-suppression-dialog");
    await dialog.getByRole("button", { name: "Lift suppression" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Lift suppression" }).count()).toBe(0);
    await expect
      .poll(() => page.getByRole("region", { name: "Preferences" }).textContent())
      .toContain("Suppressedno");

    const [prefs] = await api.client.db.sql`
      select suppressed, bounce_count from email_preferences where contact_id = ${contact.id}`;
    expect(prefs).toMatchObject({ suppressed: false, bounce_count: 0 });
    const audit = await api.client.db.sql`
      select action, metadata from audit_logs where resource_id = ${contact.id}`;
    expect(audit).toEqual([
      {
        action: "contact.preferences.update",
        metadata: { changed: ["suppressed"], reason: "they fixed their mailbox" },
      },
    ]);
  });

  it("lets an operator fire a test event for a contact, and shows a viewer no such form", async () => {
    const userId = `u-${randomUUID()}`;
    const email = `${userId}@example.com`;
    const contact = await upsertContact(api.client.db.db, { externalId: userId, email });
    const name = `studio_test_${randomUUID().slice(0, 8)}`;

    const asViewer = await newPage();
    await signIn(asViewer.page, viewer);
    await asViewer.page.goto(`/studio/contacts/${contact.id}`);
    await asViewer.page.getByRole("heading", { name: email }).waitFor();
    expect(await asViewer.page.getByRole("form", { name: "Fire a test event" }).count()).toBe(0);

    const { page, expectFailure } = await newPage();
    expectFailure("/v1/events", 400);
    await signIn(page, operator);
    await page.goto(`/studio/contacts/${contact.id}`);
    const form = page.getByRole("form", { name: "Fire a test event" });
    await form.getByLabel("Event name").fill("not a valid name!");
    await form.getByRole("button", { name: "Fire event" }).click();
    await expect.poll(() => form.getByRole("alert").textContent()).toContain("must be 1-200 characters");
    await form.getByLabel("Event name").fill(name);
    await form.getByLabel("Event properties (JSON, optional)").fill("[1, 2]");
    await form.getByRole("button", { name: "Fire event" }).click();
    await expect.poll(() => form.getByRole("alert").textContent()).toContain("must be a JSON object");

    await form.getByLabel("Event properties (JSON, optional)").fill('{"plan": "pro"}');
    await form.getByRole("button", { name: "Fire event" }).click();
    await form.getByRole("status").waitFor();
    await expect.poll(() => page.getByTestId("timeline").textContent()).toContain(name);
    await inspect(page, "contact-fire-event");

    const [stored] = await api.client.db.sql`
      select contact_id, properties from user_events where event = ${name}`;
    expect(stored).toMatchObject({ contact_id: contact.id, properties: { plan: "pro" } });
    await page.goto("/studio/events");
    await expect.poll(() => page.getByRole("table", { name: "Events" }).textContent()).toContain(name);
  });

  it("filters the audit log by action, resource and date, kept in the URL", async () => {
    const resourceId = `res-${randomUUID()}`;
    for (const [action, at] of [
      ["test.first", "2030-03-01T10:00:00Z"],
      ["test.second", "2030-03-02T10:00:00Z"],
      ["test.second", "2030-04-01T10:00:00Z"],
    ] as const) {
      await insertAuditLog(api.client.db.db, {
        actorType: "system",
        action,
        resourceType: "browser_test",
        resourceId,
        metadata: { at },
        createdAt: new Date(at),
      });
    }
    const { page, expectFailure } = await newPage();
    expectFailure("/v1/admin/audit-logs", 400);
    await signIn(page, viewer);
    await page.goto("/studio/audit-log");
    const form = page.getByRole("form", { name: "Filter the audit log" });
    await form.getByLabel("Action").fill("test.second");
    await form.getByLabel("Resource id").fill(resourceId);
    await form.getByLabel("From").fill("2030-03-01");
    await form.getByLabel("To (inclusive)").fill("2030-03-02");
    await form.getByRole("button", { name: "Filter" }).click();
    const table = page.getByRole("table", { name: "Audit log" });
    await expect.poll(async () => table.getByRole("row").count()).toBe(2);
    expect(await table.textContent()).toContain("2030-03-02T10:00:00Z");
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toEqual({
      action: "test.second",
      resourceId,
      from: "2030-03-01",
      to: "2030-03-02",
    });
    await page.reload();
    await expect
      .poll(async () => page.getByRole("table", { name: "Audit log" }).getByRole("row").count())
      .toBe(2);
    expect(await form.getByLabel("Action").inputValue()).toBe("test.second");
    await inspect(page, "audit-log-filtered");

    await form.getByLabel("From").fill("2030-04-02");
    await form.getByRole("button", { name: "Filter" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("must be after from");
  });

  it("filters sends by recipient and date, and links a contact to its sends", async () => {
    const userId = `u-${randomUUID()}`;
    const email = `${userId}@example.com`;
    const contact = await upsertContact(api.client.db.db, { externalId: userId, email });
    const tag = randomUUID().slice(0, 8);
    const insert = async (subject: string, contactId: string | null, createdAt: string) => {
      const { send } = await insertEmailSendOnce(api.client.db.db, {
        idempotencyKey: `browser:${randomUUID()}`,
        contactId,
        toEmail: contactId ? email : "someone-else@example.com",
        template: "welcome",
        category: "onboarding",
        subject,
        props: {},
        journeyId: null,
        journeyStateId: null,
        status: "queued",
        reason: null,
      });
      await api.client.db.sql`update email_sends set created_at = ${createdAt} where id = ${send.id}`;
    };
    await insert(`March ${tag}`, contact.id, "2031-03-05T10:00:00Z");
    await insert(`May ${tag}`, contact.id, "2031-05-05T10:00:00Z");
    await insert(`Other ${tag}`, null, "2031-03-05T11:00:00Z");

    const { page } = await newPage();
    await signIn(page, viewer);
    await page.goto("/studio/sends");
    const form = page.getByRole("form", { name: "Filter sends" });
    await form.getByLabel("Recipient user id").fill(userId);
    await form.getByLabel("From").fill("2031-03-01");
    await form.getByLabel("To (inclusive)").fill("2031-03-31");
    await form.getByRole("button", { name: "Filter" }).click();
    await page.getByRole("link", { name: `March ${tag}` }).waitFor();
    const table = page.getByRole("table", { name: "Sends" });
    expect(await table.getByRole("row").count()).toBe(2);
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({
      userId,
      from: "2031-03-01",
      to: "2031-03-31",
    });
    await inspect(page, "sends-filtered");

    await page.goto(`/studio/contacts/${contact.id}`);
    await page.getByRole("link", { name: "All sends to this contact" }).click();
    // The profile's own timeline links the same subjects: wait for the sends page itself.
    await page.waitForURL(
      (url) => url.pathname === "/studio/sends" && url.searchParams.get("contactId") === contact.id,
    );
    await page
      .getByRole("table", { name: "Sends" })
      .getByRole("link", { name: `May ${tag}` })
      .waitFor();
    expect(await page.getByRole("link", { name: `Other ${tag}` }).count()).toBe(0);
    expect(await page.getByRole("table", { name: "Sends" }).getByRole("row").count()).toBe(3);
    await page.getByRole("link", { name: "Show everyone" }).click();
    await page.getByRole("link", { name: `Other ${tag}` }).waitFor();
  });

  it("shows an API error with its message and request id", async () => {
    const { page, expectFailure } = await newPage();
    const missing = "00000000-0000-4000-8000-000000000000";
    expectFailure(`/v1/admin/contacts/${missing}`, 404);
    await signIn(page, admin);
    const answer = page.waitForResponse((res) => res.url().includes(`/v1/admin/contacts/${missing}`));
    await page.goto(`/studio/contacts/${missing}`);
    const requestId = (await (await answer).json()) as { error: { message: string; requestId: string } };
    const alert = page.getByRole("alert");
    await expect.poll(() => alert.textContent()).toContain(requestId.error.message);
    expect(await page.getByTestId("request-id").textContent()).toBe(requestId.error.requestId);
    await inspect(page, "error-state");
  });
});
