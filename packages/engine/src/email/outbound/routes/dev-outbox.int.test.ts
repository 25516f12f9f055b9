import { randomUUID } from "node:crypto";
import type { EmailMessage } from "@hogsend/core";
import { insertEmailSendOnce, upsertContact } from "@hogsend/db";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../runtime/create-app.js";
import { setupTestApp, testRuntime } from "../../../testing.js";

const api = setupTestApp();

const UNSUBSCRIBE = "<https://hogsend.test/v1/email/unsubscribe?token=t0k>";

/** Mails one message through the configured (outbox) provider; returns the outbox row id. */
async function mail(overrides: Partial<EmailMessage> = {}) {
  const outcome = await api.client.email.send({
    from: "Acme <hello@acme.test>",
    to: "ada@example.com",
    subject: "Welcome to Acme",
    html: "<p>Hello <b>Ada</b></p><script>alert(1)</script>",
    text: "Hello Ada",
    headers: { "List-Unsubscribe": UNSUBSCRIBE, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
    ...overrides,
  });
  if (!outcome.ok) throw new Error(`outbox send failed: ${outcome.error.message}`);
  return outcome.providerMessageId.replace(/^outbox_/, "");
}

type Item = {
  id: string;
  to: string;
  subject: string;
  template: string | null;
  links: Record<string, string>;
};
type Page = { items: Item[]; nextCursor: string | null };
const getJson = async <T>(path: string) => {
  const res = await api.app.request(path);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("application/json");
  return (await res.json()) as T;
};

describe("GET /v1/dev/outbox", () => {
  it("is served by the outbox provider outside production", () => {
    expect(api.client.email.id).toBe("outbox");
  });

  it("lists mail newest first as JSON, paginated, with the template of its send", async () => {
    const contact = await upsertContact(api.client.db.db, { email: `c_${randomUUID()}@example.com` });
    const { send } = await insertEmailSendOnce(api.client.db.db, {
      idempotencyKey: `test:${randomUUID()}`,
      contactId: contact.id,
      toEmail: "ada@example.com",
      template: "welcome",
      category: "product",
      subject: "Welcome to Acme",
    });
    const first = await mail({ subject: "first", metadata: { send_id: send.id } });
    const second = await mail({ subject: "second", to: "bob@example.com" });
    const third = await mail({ subject: "third" });

    const seen: Item[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await getJson<Page>(`/v1/dev/outbox?limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.map((m) => m.id)).toEqual([third, second, first]);
    expect(seen.map((m) => [m.subject, m.to, m.template])).toEqual([
      ["third", "ada@example.com", null],
      ["second", "bob@example.com", null],
      ["first", "ada@example.com", "welcome"],
    ]);
    expect(seen[2]?.links).toEqual({
      self: `/v1/dev/outbox/${first}`,
      html: `/v1/dev/outbox/${first}/html`,
      text: `/v1/dev/outbox/${first}/text`,
    });
  });

  it("answers a browser with an escaped HTML list linking to each message", async () => {
    const id = await mail({ subject: "<img src=x onerror=alert(1)> & more" });
    const res = await api.app.request("/v1/dev/outbox", {
      headers: { accept: "text/html,application/xhtml+xml" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    const page = await res.text();
    expect(page).toContain("&lt;img src=x onerror=alert(1)&gt; &amp; more");
    expect(page).not.toContain("<img src=x");
    expect(page).toContain(`href="/v1/dev/outbox/${id}/html"`);
    expect(page).toContain(`href="/v1/dev/outbox/${id}/text"`);
  });

  it("shows one message with its headers, its HTML under a no-script CSP, and its text", async () => {
    const id = await mail();
    const message = await getJson<{ headers: Record<string, string>; html: string; text: string }>(
      `/v1/dev/outbox/${id}`,
    );
    expect(message).toMatchObject({
      id,
      to: "ada@example.com",
      subject: "Welcome to Acme",
      text: "Hello Ada",
    });
    expect(message.headers["List-Unsubscribe"]).toBe(UNSUBSCRIBE);
    expect(message.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");

    const html = await api.app.request(`/v1/dev/outbox/${id}/html`);
    expect(html.status).toBe(200);
    expect(html.headers.get("content-type")).toContain("text/html");
    const csp = html.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("script-src");
    expect(csp).toMatch(/sandbox(?![^;]*allow-scripts)/);
    expect(await html.text()).toBe("<p>Hello <b>Ada</b></p><script>alert(1)</script>");

    const text = await api.app.request(`/v1/dev/outbox/${id}/text`);
    expect(text.status).toBe(200);
    expect(text.headers.get("content-type")).toContain("text/plain");
    expect(await text.text()).toBe("Hello Ada");
  });

  it("answers 404 for an unknown id and 400 naming the field for a bad id or cursor", async () => {
    for (const suffix of ["", "/html", "/text"]) {
      const missing = await api.app.request(`/v1/dev/outbox/${randomUUID()}${suffix}`);
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
      const bad = await api.app.request(`/v1/dev/outbox/not-a-uuid${suffix}`);
      expect(bad.status).toBe(400);
      const body = (await bad.json()) as { error: { details: { fields: { field: string }[] } } };
      expect(body.error.details.fields.map((f) => f.field)).toEqual(["id"]);
    }
    const badCursor = await api.app.request("/v1/dev/outbox?cursor=zzz");
    expect(badCursor.status).toBe(400);
  });

  it("does not exist when another provider sends, even outside production", async () => {
    const id = await mail();
    const resend = createApp(
      testRuntime(api.newClient({ EMAIL_PROVIDER: "resend", RESEND_API_KEY: "re_test_key" })),
    );
    const res = await resend.request(`/v1/dev/outbox/${id}`);
    expect(res.status).toBe(404);
  });

  it("does not exist in production", async () => {
    const id = await mail();
    const prod = createApp(testRuntime(api.newClient({ NODE_ENV: "production" })));
    for (const path of ["/v1/dev/outbox", `/v1/dev/outbox/${id}`, `/v1/dev/outbox/${id}/html`]) {
      const res = await prod.request(path, { headers: { accept: "text/html" } });
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^No route/);
    }
  });
});
