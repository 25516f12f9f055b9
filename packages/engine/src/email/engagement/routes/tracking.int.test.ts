import { randomUUID } from "node:crypto";
import {
  type Contact,
  type EmailSend,
  emailSendById,
  insertEmailSendOnce,
  schema,
  upsertContact,
  upsertEmailLinks,
} from "@hogsend/db";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { setupTestApp } from "../../../testing.js";

const HUMAN = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)";
const SLACK = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)";
const PUBLIC_URL = "https://hogsend.example.com";

const api = setupTestApp({ env: { API_PUBLIC_URL: PUBLIC_URL } });

async function createSend(): Promise<{ contact: Contact; send: EmailSend }> {
  const email = `${randomUUID()}@example.com`;
  const contact = await upsertContact(api.client.db.db, { email });
  const { send } = await insertEmailSendOnce(api.client.db.db, {
    idempotencyKey: `test:${randomUUID()}`,
    contactId: contact.id,
    toEmail: email,
    template: "welcome",
    category: "onboarding",
    subject: "Welcome",
    journeyId: "welcome",
    status: "sent",
  });
  return { contact, send };
}

const get = (path: string, userAgent?: string) =>
  api.app.request(path, { headers: userAgent ? { "user-agent": userAgent } : {} });

async function emailEvents(sendId: string) {
  return api.client.db.db.select().from(schema.emailEvents).where(eq(schema.emailEvents.sendId, sendId));
}

async function userEvents(contactId: string, name: string) {
  return api.client.db.db
    .select()
    .from(schema.userEvents)
    .where(and(eq(schema.userEvents.contactId, contactId), eq(schema.userEvents.event, name)));
}

async function expectPixel(res: Response) {
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("image/gif");
  expect(res.headers.get("cache-control")).toBe("no-store");
  const bytes = Buffer.from(await res.arrayBuffer());
  expect(bytes.subarray(0, 6).toString("latin1")).toBe("GIF89a");
  // 1×1: the logical screen width and height, little-endian.
  expect(bytes.readUInt16LE(6)).toBe(1);
  expect(bytes.readUInt16LE(8)).toBe(1);
  // Graphic control extension with the transparency flag set, then the GIF trailer.
  expect(bytes.includes(Buffer.from([0x21, 0xf9, 0x04, 0x01]))).toBe(true);
  expect(bytes.at(-1)).toBe(0x3b);
  expect(res.headers.get("content-length")).toBe(String(bytes.length));
  return bytes;
}

describe("GET /v1/t/o/:id (open pixel)", () => {
  it("answers the same transparent GIF for a known, an unknown and a malformed id", async () => {
    const { send } = await createSend();
    const known = await expectPixel(await get(`/v1/t/o/${send.id}`, HUMAN));
    const unknown = await expectPixel(await get(`/v1/t/o/${randomUUID()}`, HUMAN));
    const malformed = await expectPixel(await get(`/v1/t/o/not-a-uuid'%20or%201=1`, HUMAN));
    expect(unknown.equals(known)).toBe(true);
    expect(malformed.equals(known)).toBe(true);
  });

  it("counts every human open but emits email.opened once, with the send's details", async () => {
    const { contact, send } = await createSend();
    await expectPixel(await get(`/v1/t/o/${send.id}`, HUMAN));
    await expectPixel(await get(`/v1/t/o/${send.id}`, HUMAN));

    const stored = await emailSendById(api.client.db.db, send.id);
    expect(stored?.openCount).toBe(2);
    expect(stored?.firstOpenedAt).toBeInstanceOf(Date);
    const events = await emailEvents(send.id);
    expect(events.map((e) => [e.type, e.isBot, e.userAgent])).toEqual([
      ["opened", false, HUMAN],
      ["opened", false, HUMAN],
    ]);
    const opened = await userEvents(contact.id, "email.opened");
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({
      source: "email",
      idempotencyKey: `email.opened:${send.id}`,
      properties: { sendId: send.id, template: "welcome", journeyId: "welcome" },
    });
  });

  it("records a link previewer's fetch as a bot without counting it or claiming the first open", async () => {
    const { contact, send } = await createSend();
    await expectPixel(await get(`/v1/t/o/${send.id}`, SLACK));
    await expectPixel(await get(`/v1/t/o/${send.id}`)); // no user agent at all: a script

    let stored = await emailSendById(api.client.db.db, send.id);
    expect(stored?.openCount).toBe(0);
    expect(stored?.firstOpenedAt).toBeNull();
    expect((await emailEvents(send.id)).map((e) => [e.type, e.isBot])).toEqual([
      ["opened", true],
      ["opened", true],
    ]);
    expect(await userEvents(contact.id, "email.opened")).toHaveLength(0);

    // The person's open afterwards is the first one.
    await expectPixel(await get(`/v1/t/o/${send.id}`, HUMAN));
    stored = await emailSendById(api.client.db.db, send.id);
    expect(stored?.openCount).toBe(1);
    expect(await userEvents(contact.id, "email.opened")).toHaveLength(1);
  });

  it("records nothing for an unknown send", async () => {
    const id = randomUUID();
    await expectPixel(await get(`/v1/t/o/${id}`, HUMAN));
    expect(await emailEvents(id)).toHaveLength(0);
  });
});

describe("GET /v1/t/c/:id (click redirect)", () => {
  it("redirects to the stored URL, records every click and emits email.clicked on the first human one", async () => {
    const { contact, send } = await createSend();
    const url = "https://app.example.com/start?utm_source=email&x=1";
    const [link, other] = await upsertEmailLinks(api.client.db.db, send.id, [
      url,
      "https://example.com/other",
    ]);
    if (!link || !other) throw new Error("links not stored");

    const bot = await get(`/v1/t/c/${link.id}`, SLACK);
    expect(bot.status).toBe(302);
    expect(bot.headers.get("location")).toBe(url);

    const first = await get(`/v1/t/c/${link.id}`, HUMAN);
    expect(first.status).toBe(302);
    expect(first.headers.get("location")).toBe(url);
    expect(first.headers.get("referrer-policy")).toBe("no-referrer");
    expect(first.headers.get("cache-control")).toBe("no-store");
    const second = await get(`/v1/t/c/${other.id}`, HUMAN);
    expect(second.headers.get("location")).toBe("https://example.com/other");

    const stored = await emailSendById(api.client.db.db, send.id);
    expect(stored?.clickCount).toBe(2);
    expect(stored?.firstClickedAt).toBeInstanceOf(Date);
    const events = await emailEvents(send.id);
    expect(events.map((e) => [e.type, e.linkId, e.url, e.isBot])).toEqual(
      expect.arrayContaining([
        ["clicked", link.id, url, true],
        ["clicked", link.id, url, false],
        ["clicked", other.id, "https://example.com/other", false],
      ]),
    );
    expect(events).toHaveLength(3);

    const clicked = await userEvents(contact.id, "email.clicked");
    expect(clicked).toHaveLength(1);
    expect(clicked[0]).toMatchObject({
      source: "email",
      idempotencyKey: `email.clicked:${send.id}`,
      properties: { sendId: send.id, url, linkId: link.id, template: "welcome" },
    });
  });

  it("sends an unknown or malformed link id to the public URL, never to a URL from the request", async () => {
    for (const path of [
      `/v1/t/c/${randomUUID()}`,
      "/v1/t/c/not-a-uuid",
      `/v1/t/c/${encodeURIComponent("https://evil.example.com")}?url=https://evil.example.com`,
    ]) {
      const res = await get(path, HUMAN);
      expect(res.status, path).toBe(302);
      expect(res.headers.get("location"), path).toBe(PUBLIC_URL);
    }
  });
});

describe("OpenAPI", () => {
  it("declares the tracking routes as public", async () => {
    const doc = (await (await api.app.request("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
    };
    expect(doc.paths["/v1/t/o/{id}"]?.get?.security).toEqual([]);
    expect(doc.paths["/v1/t/c/{id}"]?.get?.responses).toHaveProperty("302");
  });
});
