import { randomUUID } from "node:crypto";
import {
  type Contact,
  type EmailSend,
  emailSendById,
  getEmailPreferences,
  insertEmailSendOnce,
  insertJourneyState,
  journeyStateById,
  recordPermanentBounce,
  schema,
  upsertContact,
} from "@hogsend/db";
import { defineTemplate, type EmailTokenPurpose, signEmailToken, verifyEmailToken } from "@hogsend/email";
import { OpenAPIHono } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../../http/types.js";
import { defineJourney } from "../../journeys/define-journey.js";
import { setupTestApp } from "../../testing.js";
import { registerEmailPreferenceRoutes } from "./routes.js";

/** Ends on an unsubscribe: the one-click POST must end its live enrollments. */
const onboarding = defineJourney({
  meta: {
    id: "pref-onboarding",
    name: "Preference test onboarding",
    enabled: true,
    trigger: { event: "pref_signed_up" },
    entryLimit: "unlimited",
    exitOn: ["email.unsubscribed"],
  },
  async run() {},
});

const api = setupTestApp({ content: { journeys: [onboarding] } });
const secret = () => api.client.env.BETTER_AUTH_SECRET;

async function createContact(email = `${randomUUID()}@example.com`): Promise<Contact> {
  return upsertContact(api.client.db.db, { email });
}

async function createSend(contact: Contact, category: string, template = "welcome"): Promise<EmailSend> {
  const { send } = await insertEmailSendOnce(api.client.db.db, {
    idempotencyKey: `test:${randomUUID()}`,
    contactId: contact.id,
    toEmail: contact.email ?? "x@example.com",
    template,
    category,
    subject: "Hello",
    status: "sent",
  });
  return send;
}

function token(
  purpose: EmailTokenPurpose,
  claims: { contactId: string; category?: string; sendId?: string; expiresAt?: Date },
) {
  return signEmailToken({ purpose, ...claims }, secret());
}

const ONE_CLICK = {
  "content-type": "application/x-www-form-urlencoded",
  // The body a mailbox provider posts (../shared/fixtures/rfc8058-one-click.http).
  body: "List-Unsubscribe=One-Click",
};

function post(path: string, body: string | FormData, contentType?: string) {
  return api.app.request(path, {
    method: "POST",
    body,
    headers: contentType ? { "content-type": contentType } : {},
  });
}
const oneClick = (t: string) =>
  post(`/v1/email/unsubscribe?token=${t}`, ONE_CLICK.body, ONE_CLICK["content-type"]);
const form = (fields: [string, string][]) => new URLSearchParams(fields).toString();
const FORM = "application/x-www-form-urlencoded";

async function unsubscribeEvents(contactId: string) {
  return api.client.db.db
    .select()
    .from(schema.userEvents)
    .where(
      and(eq(schema.userEvents.contactId, contactId), eq(schema.userEvents.event, "email.unsubscribed")),
    );
}
async function namedEvents(contactId: string, name: string) {
  return api.client.db.db
    .select()
    .from(schema.userEvents)
    .where(and(eq(schema.userEvents.contactId, contactId), eq(schema.userEvents.event, name)));
}
async function sendEvents(sendId: string) {
  return api.client.db.db.select().from(schema.emailEvents).where(eq(schema.emailEvents.sendId, sendId));
}

/** Nothing about this contact or send changed: no preferences, no email events, no journey events. */
async function expectUntouched(contact: Contact, send: EmailSend) {
  expect(await getEmailPreferences(api.client.db.db, contact.id)).toBeUndefined();
  expect(await sendEvents(send.id)).toHaveLength(0);
  expect(await unsubscribeEvents(contact.id)).toHaveLength(0);
  expect((await emailSendById(api.client.db.db, send.id))?.unsubscribedAt).toBeNull();
}

function expectPageHeaders(res: Response) {
  expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
  expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  expect(res.headers.get("x-robots-tag")).toContain("noindex");
  expect(res.headers.get("cache-control")).toBe("no-store");
}

/** The `?token=` of the first link or form action to `path` in a page. */
function tokenIn(html: string, path: string): string {
  const match = html.match(new RegExp(`${path}\\?token=([^"&]+)`));
  if (!match?.[1]) throw new Error(`no ${path} link in the page`);
  return decodeURIComponent(match[1]);
}

describe("GET /v1/email/unsubscribe", () => {
  it("shows a confirmation form posting back with the token, and changes nothing", async () => {
    const contact = await createContact(`o'brien+${randomUUID()}@example.com`);
    const send = await createSend(contact, "onboarding");
    const t = token("unsubscribe", { contactId: contact.id, category: "onboarding", sendId: send.id });

    const res = await api.app.request(`/v1/email/unsubscribe?token=${encodeURIComponent(t)}`);
    expect(res.status).toBe(200);
    expectPageHeaders(res);
    const page = await res.text();
    expect(page).toContain(`action="/v1/email/unsubscribe?token=${encodeURIComponent(t)}"`);
    expect(page).toContain('name="scope" value="category"');
    expect(page).toContain('name="scope" value="all"');
    expect(page).toContain("Onboarding");
    // The address is shown, escaped.
    expect(page).toContain(`o&#39;brien+`);
    expect(page).not.toContain("<script");
    // The preference-centre link carries a preferences token for the same contact.
    const prefs = verifyEmailToken(tokenIn(page, "/v1/email/preferences"), secret(), {
      purpose: "preferences",
    });
    expect(prefs.ok && prefs.claims.contactId).toBe(contact.id);

    await expectUntouched(contact, send);
  });

  it("offers only 'all' when the token names no category", async () => {
    const contact = await createContact();
    const res = await api.app.request(
      `/v1/email/unsubscribe?token=${token("unsubscribe", { contactId: contact.id })}`,
    );
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).not.toContain('value="category"');
    expect(page).toContain('name="scope" value="all"');
  });
});

describe("POST /v1/email/unsubscribe", () => {
  it("RFC 8058 one-click: stores the category opt-out, stamps the send, emits once; a repeat is a no-op", async () => {
    const contact = await createContact();
    const send = await createSend(contact, "onboarding");
    const t = token("unsubscribe", { contactId: contact.id, category: "onboarding", sendId: send.id });

    const res = await oneClick(t);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("Unsubscribed");

    const prefs = await getEmailPreferences(api.client.db.db, contact.id);
    expect(prefs).toMatchObject({ unsubscribedAll: false, optedOutCategories: ["onboarding"] });
    expect((await emailSendById(api.client.db.db, send.id))?.unsubscribedAt).toBeInstanceOf(Date);
    const emailEvents = await sendEvents(send.id);
    expect(emailEvents.map((e) => [e.type, e.data])).toEqual([
      ["unsubscribed", { scope: "category", category: "onboarding", via: "one-click" }],
    ]);
    const events = await unsubscribeEvents(contact.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      source: "email",
      properties: { scope: "category", category: "onboarding", sendId: send.id, via: "one-click" },
    });

    // Mailbox providers retry: the repeat answers 200 and records nothing new.
    const again = await oneClick(t);
    expect(again.status).toBe(200);
    expect(await sendEvents(send.id)).toHaveLength(1);
    expect(await unsubscribeEvents(contact.id)).toHaveLength(1);
    expect((await getEmailPreferences(api.client.db.db, contact.id))?.optedOutCategories).toEqual([
      "onboarding",
    ]);
  });

  it("two one-click POSTs racing store and emit the unsubscribe once", async () => {
    const contact = await createContact();
    const send = await createSend(contact, "onboarding");
    const t = token("unsubscribe", { contactId: contact.id, category: "onboarding", sendId: send.id });
    const answers = await Promise.all([oneClick(t), oneClick(t), oneClick(t)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await unsubscribeEvents(contact.id)).toHaveLength(1);
    expect(await sendEvents(send.id)).toHaveLength(1);
  });

  it("refuses a body that is not a form with a page, changing nothing", async () => {
    const contact = await createContact();
    const send = await createSend(contact, "onboarding");
    const t = token("unsubscribe", { contactId: contact.id, category: "onboarding", sendId: send.id });
    const res = await post(
      `/v1/email/unsubscribe?token=${t}`,
      JSON.stringify({ scope: "all" }),
      "application/json",
    );
    expect(res.status).toBe(415);
    expectPageHeaders(res);
    await expectUntouched(contact, send);
  });

  it("answers a malformed multipart body with a 400 page, changing nothing", async () => {
    const contact = await createContact();
    const send = await createSend(contact, "onboarding");
    const t = token("unsubscribe", { contactId: contact.id, category: "onboarding", sendId: send.id });
    // A boundary the body never uses: the form cannot be parsed (a fuzzer's find).
    const res = await post(
      `/v1/email/unsubscribe?token=${t}`,
      "--other\r\ngarbage\r\n",
      "multipart/form-data; boundary=351bb1b04583be20ac52705693a9e74b",
    );
    expect(res.status).toBe(400);
    expectPageHeaders(res);
    await expectUntouched(contact, send);
  });

  it("one-click with a token naming no category unsubscribes from all; multipart bodies work too", async () => {
    const contact = await createContact();
    const body = new FormData();
    body.set("List-Unsubscribe", "One-Click");
    const res = await post(
      `/v1/email/unsubscribe?token=${token("unsubscribe", { contactId: contact.id })}`,
      body,
    );
    expect(res.status).toBe(200);
    expect(await getEmailPreferences(api.client.db.db, contact.id)).toMatchObject({
      unsubscribedAll: true,
      optedOutCategories: [],
    });
    expect((await unsubscribeEvents(contact.id))[0]?.properties).toMatchObject({ scope: "all" });
  });

  it("the confirmation form's scope=all unsubscribes from everything and answers a page", async () => {
    const contact = await createContact();
    const send = await createSend(contact, "billing", "trial-ends-soon");
    const t = token("unsubscribe", { contactId: contact.id, category: "billing", sendId: send.id });
    const res = await post(
      `/v1/email/unsubscribe?token=${encodeURIComponent(t)}`,
      form([["scope", "all"]]),
      FORM,
    );
    expect(res.status).toBe(200);
    expectPageHeaders(res);
    expect(await res.text()).toContain("You will no longer receive email from us.");
    expect(await getEmailPreferences(api.client.db.db, contact.id)).toMatchObject({
      unsubscribedAll: true,
      optedOutCategories: [],
    });
    expect((await unsubscribeEvents(contact.id))[0]?.properties).toMatchObject({
      scope: "all",
      sendId: send.id,
      template: "trial-ends-soon",
      via: "unsubscribe-page",
    });
  });

  it("refuses tampered, expired, wrong-purpose and missing tokens with a 400 page and changes nothing", async () => {
    const contact = await createContact();
    const send = await createSend(contact, "onboarding");
    const claims = { contactId: contact.id, category: "onboarding", sendId: send.id };
    const valid = token("unsubscribe", claims);
    const [version, payload, signature] = valid.split(".");
    // Claims rewritten to another contact, signature kept: the signature no longer matches.
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload ?? "", "base64url").toString()), c: randomUUID() }),
    ).toString("base64url");
    const flipped = `${signature?.slice(0, -1)}${signature?.endsWith("A") ? "B" : "A"}`;
    const bad = {
      tampered: `${version}.${payload}.${flipped}`,
      forged: `${version}.${forgedPayload}.${signature}`,
      expired: token("unsubscribe", { ...claims, expiresAt: new Date(Date.now() - 1_000) }),
      wrongPurpose: token("preferences", claims),
    };
    for (const [name, t] of Object.entries(bad)) {
      for (const res of [
        await oneClick(t),
        await post(`/v1/email/unsubscribe?token=${t}`, form([["scope", "all"]]), FORM),
        await api.app.request(`/v1/email/unsubscribe?token=${t}`),
      ]) {
        expect(res.status, name).toBe(400);
        expectPageHeaders(res);
        expect(await res.text(), name).toContain("Nothing was changed");
      }
    }
    expect(
      await (await post("/v1/email/unsubscribe", ONE_CLICK.body, ONE_CLICK["content-type"])).text(),
    ).toContain("Nothing was changed");
    // The token only counts in the query string, never from the body.
    const fromBody = await post(
      "/v1/email/unsubscribe",
      form([
        ["token", valid],
        ["scope", "all"],
      ]),
      FORM,
    );
    expect(fromBody.status).toBe(400);
    await expectUntouched(contact, send);
  });

  it("refuses scope=category when the token names no category", async () => {
    const contact = await createContact();
    const t = token("unsubscribe", { contactId: contact.id });
    const res = await post(`/v1/email/unsubscribe?token=${t}`, form([["scope", "category"]]), FORM);
    expect(res.status).toBe(400);
    expect(await getEmailPreferences(api.client.db.db, contact.id)).toBeUndefined();
  });

  it("ends live enrollments of journeys that exit on email.unsubscribed", async () => {
    const contact = await createContact();
    const state = await insertJourneyState(api.client.db.db, {
      journeyId: onboarding.meta.id,
      userKey: contact.id,
      contactId: contact.id,
      hatchetRunId: `run-${randomUUID()}`,
    });
    if (!state) throw new Error("state not created");
    const res = await oneClick(token("unsubscribe", { contactId: contact.id, category: "onboarding" }));
    expect(res.status).toBe(200);
    expect(await journeyStateById(api.client.db.db, state.id)).toMatchObject({
      status: "exited",
      exitReason: "exitOn:email.unsubscribed",
    });
  });
});

describe("the preference centre", () => {
  const page = (t: string) => api.app.request(`/v1/email/preferences?token=${encodeURIComponent(t)}`);
  const save = (t: string, fields: [string, string][]) =>
    post(`/v1/email/preferences?token=${encodeURIComponent(t)}`, form(fields), FORM);

  it("renders a checkbox per category the contact was sent (never transactional), escaped", async () => {
    const contact = await createContact();
    await createSend(contact, "onboarding");
    await createSend(contact, "billing", "trial-ends-soon");
    await createSend(contact, "transactional", "receipt");
    await createSend(contact, `<b>"evil"</b>`);
    const res = await page(token("preferences", { contactId: contact.id }));
    expect(res.status).toBe(200);
    expectPageHeaders(res);
    const html = await res.text();
    expect(html).toContain('name="category" value="onboarding" checked');
    expect(html).toContain('name="category" value="billing" checked');
    expect(html).not.toContain('value="transactional"');
    expect(html).toContain('value="&lt;b&gt;&quot;evil&quot;&lt;/b&gt;"');
    expect(html).not.toContain("<b>");
    expect(html).toContain('name="unsubscribe_all" value="true">');
    expect(html).toContain(`action="/v1/email/preferences?token=`);
  });

  it("opts out of one category, then of everything, then re-subscribes, emitting each change once", async () => {
    const contact = await createContact();
    await createSend(contact, "onboarding");
    await createSend(contact, "billing", "trial-ends-soon");
    const t = token("preferences", { contactId: contact.id });
    const shown: [string, string][] = [
      ["shown", "onboarding"],
      ["shown", "billing"],
    ];

    // Untick billing.
    let res = await save(t, [...shown, ["category", "onboarding"], ["ignored_field", "x"]]);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("You will not receive: Billing.");
    expect(await getEmailPreferences(api.client.db.db, contact.id)).toMatchObject({
      unsubscribedAll: false,
      optedOutCategories: ["billing"],
    });
    expect((await unsubscribeEvents(contact.id)).map((e) => e.properties)).toEqual([
      { scope: "category", category: "billing", via: "preference-centre" },
    ]);
    // The page now shows billing unticked.
    expect(await (await page(t)).text()).toContain('name="category" value="billing">');

    // Saving the same form again changes and emits nothing.
    await save(t, [...shown, ["category", "onboarding"]]);
    expect(await unsubscribeEvents(contact.id)).toHaveLength(1);

    // Everything off, billing back on.
    res = await save(t, [
      ...shown,
      ["category", "onboarding"],
      ["category", "billing"],
      ["unsubscribe_all", "true"],
    ]);
    expect(res.status).toBe(200);
    expect(await getEmailPreferences(api.client.db.db, contact.id)).toMatchObject({
      unsubscribedAll: true,
      optedOutCategories: [],
    });
    expect((await unsubscribeEvents(contact.id)).map((e) => e.properties.scope).sort()).toEqual([
      "all",
      "category",
    ]);
    expect((await namedEvents(contact.id, "email.resubscribed")).map((e) => e.properties)).toEqual([
      { scope: "category", category: "billing" },
    ]);

    // Re-subscribe to all.
    res = await save(t, [...shown, ["category", "onboarding"], ["category", "billing"]]);
    expect(res.status).toBe(200);
    expect(await getEmailPreferences(api.client.db.db, contact.id)).toMatchObject({
      unsubscribedAll: false,
      optedOutCategories: [],
    });
    expect(
      (await namedEvents(contact.id, "email.resubscribed")).map((e) => e.properties.scope).sort(),
    ).toEqual(["all", "category"]);

    // Opting out of billing again after re-subscribing is a new unsubscribe, emitted again.
    await save(t, [...shown, ["category", "onboarding"]]);
    expect(
      (await unsubscribeEvents(contact.id)).filter((e) => e.properties.category === "billing"),
    ).toHaveLength(2);
  });

  it("leaves categories the form did not show alone", async () => {
    const contact = await createContact();
    await createSend(contact, "onboarding");
    const t = token("preferences", { contactId: contact.id });
    // A billing email went out after the page was rendered: its missing checkbox is not an opt-out.
    await createSend(contact, "billing", "trial-ends-soon");
    await save(t, [
      ["shown", "onboarding"],
      ["category", "onboarding"],
    ]);
    expect((await getEmailPreferences(api.client.db.db, contact.id))?.optedOutCategories).toEqual([]);
  });

  it("refuses a category it does not offer, and a bad token, with a 400 page and no change", async () => {
    const contact = await createContact();
    await createSend(contact, "onboarding");
    const t = token("preferences", { contactId: contact.id });
    let res = await save(t, [
      ["shown", "onboarding"],
      ["shown", "transactional"],
    ]);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("transactional");
    res = await save(t, [["category", "made-up"]]);
    expect(res.status).toBe(400);

    const expired = token("preferences", { contactId: contact.id, expiresAt: new Date(Date.now() - 1_000) });
    for (const bad of [expired, token("unsubscribe", { contactId: contact.id }), `${t}x`]) {
      res = await save(bad, [
        ["shown", "onboarding"],
        ["unsubscribe_all", "true"],
      ]);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain("Nothing was changed");
      expect((await page(bad)).status).toBe(400);
    }
    expect(await getEmailPreferences(api.client.db.db, contact.id)).toBeUndefined();
    expect(await unsubscribeEvents(contact.id)).toHaveLength(0);
  });

  it("tells a suppressed contact that mail is paused", async () => {
    const contact = await createContact();
    await recordPermanentBounce(api.client.db.db, contact.id, 1, "mailbox does not exist");
    const res = await page(token("preferences", { contactId: contact.id }));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("is paused because earlier messages bounced");
  });

  it("offers the operator's categories when given, plus what the contact opted out of", async () => {
    const fixed = new OpenAPIHono<AppEnv>();
    const templateIn = (category: string) =>
      defineTemplate({ component: () => null, subject: category, category, example: {} });
    registerEmailPreferenceRoutes(fixed, {
      client: api.client,
      ingest: api.runtime.ingest,
      templates: { a: templateIn("product"), b: templateIn("billing"), c: templateIn("transactional") },
    });
    const contact = await createContact();
    await createSend(contact, "onboarding");
    const t = token("preferences", { contactId: contact.id });
    await oneClick(token("unsubscribe", { contactId: contact.id, category: "legacy" }));

    const html = await (await fixed.request(`/v1/email/preferences?token=${encodeURIComponent(t)}`)).text();
    expect(html).toContain('value="product" checked');
    expect(html).toContain('value="billing" checked');
    expect(html).toContain('name="category" value="legacy">');
    expect(html).not.toContain('value="onboarding"');
    expect(html).not.toContain('value="transactional"');
  });
});
