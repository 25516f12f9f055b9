import { createHash, randomUUID } from "node:crypto";
import { defineTemplate } from "@hogsend/email";
import { describe, expect, it } from "vitest";
import { setupTestApp } from "../testing.js";

const ADMIN_KEY = `adm_${randomUUID()}${randomUUID()}`;
const greeting = (p: { name?: string }) => `Hello ${p.name ?? "there"}`;
const api = setupTestApp({
  env: { ADMIN_API_KEY: ADMIN_KEY },
  keys: ["ingest", "read", "send"],
  content: {
    templates: {
      news: defineTemplate({ component: greeting, subject: "News", category: "product", example: {} }),
      receipt: defineTemplate({
        component: greeting,
        subject: "Receipt",
        category: "transactional",
        example: {},
      }),
    },
  },
});
/** The file's database, once setupTestApp's beforeAll made it. */
const sql = () => api.client.db.sql;

/** A person with something of theirs in every table that can hold it. */
async function personEverywhere() {
  const tag = randomUUID().slice(0, 8);
  const person = {
    email: `Erase.Me.${tag}@Example.test`,
    userId: `u_erase_${tag}`,
    secret: `zebedee-${tag}`,
  };
  let contactId = "";
  for (const [i, name] of ["signed_up", "plan_changed"].entries()) {
    const res = await api.request("/v1/events", {
      method: "POST",
      key: api.keys.ingest,
      body: {
        name,
        userId: person.userId,
        email: person.email,
        idempotencyKey: `${person.secret}-event-${i}`,
        properties: { note: person.secret },
        contactProperties: { nickname: person.secret },
      },
    });
    expect(res.status).toBe(202);
    contactId = ((await res.json()) as { contactId: string }).contactId;
  }
  const sent = await api.request("/v1/emails", {
    method: "POST",
    key: api.keys.send,
    body: {
      template: "receipt",
      userId: person.userId,
      props: { name: person.secret },
      idempotencyKey: `${person.secret}-mail`,
    },
  });
  expect(sent.status).toBe(202);
  const { emailSendId: sendId } = (await sent.json()) as { emailSendId: string };
  // The dev outbox provider keeps the rendered copy, as a real send leaves a provider copy.
  await api.runtime.mailer?.dispatchBatch({ ids: [sendId] });
  await sql()`insert into email_events (send_id, type, dedupe_key, data)
    values (${sendId}, 'delivered', ${`delivered:${sendId}`}, ${JSON.stringify({ to: person.email })}::jsonb)`;
  await sql()`insert into email_links (send_id, url, position) values (${sendId}, ${`https://example.test/?ref=${person.secret}`}, 0)`;
  const [state] = await sql()<{ id: string }[]>`
    insert into journey_states (journey_id, user_key, contact_id, status, hatchet_run_id)
    values ('welcome', ${contactId}, ${contactId}, 'waiting', ${randomUUID()}) returning id`;
  await sql()`insert into journey_logs (journey_state_id, journey_id, user_key, kind, message)
    values (${state?.id ?? null}, 'welcome', ${contactId}, 'log', ${`greeted ${person.secret}`})`;
  const prefs = await api.request(`/v1/admin/contacts/${contactId}/preferences`, {
    method: "PUT",
    key: ADMIN_KEY,
    body: { optedOutCategories: ["billing"] },
  });
  expect(prefs.status).toBe(200);
  return { ...person, contactId, sendId };
}

/** Every row of every table of the app's schema, as text, to search for what must be gone. */
async function everything(): Promise<Map<string, string>> {
  const tables = await sql()<{ table_name: string }[]>`
    select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`;
  const dump = new Map<string, string>();
  for (const { table_name } of tables) {
    const rows = await sql().unsafe(`select * from "${table_name}"`);
    dump.set(table_name, JSON.stringify(rows).toLowerCase());
  }
  return dump;
}

describe("a contact's data on request", () => {
  it("exports everything stored about a contact in one document, and audits who asked", async () => {
    const p = await personEverywhere();
    expect(
      (await api.request(`/v1/admin/contacts/${p.contactId}/export`, { key: api.keys.ingest })).status,
    ).toBe(403);
    const res = await api.request(`/v1/admin/contacts/${p.contactId}/export`, { key: api.keys.read });
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      contact: { email: string; external_id: string; properties: Record<string, unknown> };
      preferences: { opted_out_categories: string[] };
      events: { event: string }[];
      journeys: { logs: { message: string }[] }[];
      emails: { props: { name: string }; events: { type: string }[]; links: { url: string }[] }[];
    };
    expect(doc.contact).toMatchObject({
      email: p.email,
      external_id: p.userId,
      properties: { nickname: p.secret },
    });
    expect(doc.preferences.opted_out_categories).toEqual(["billing"]);
    // Their own events, and what Hogsend recorded about them (the send going out).
    expect(doc.events.map((e) => e.event).sort()).toEqual(["email.sent", "plan_changed", "signed_up"]);
    expect(doc.journeys[0]?.logs.map((l) => l.message)).toEqual([`greeted ${p.secret}`]);
    expect(doc.emails[0]?.props.name).toBe(p.secret);
    expect(doc.emails[0]?.events.map((e) => e.type).sort()).toEqual(["delivered", "sent"]);
    expect(doc.emails[0]?.links[0]?.url).toContain(p.secret);
    const [audit] = await sql()`select action from audit_logs where resource_id = ${p.contactId}
      and action = 'contact.export'`;
    expect(audit).toBeDefined();
    expect(
      (await api.request(`/v1/admin/contacts/${randomUUID()}/export`, { key: api.keys.read })).status,
    ).toBe(404);
  });

  it("erases a contact: nothing of them is left in any table but a hash of their address", async () => {
    const p = await personEverywhere();
    const before = await everything();
    expect([...before.values()].some((rows) => rows.includes(p.secret))).toBe(true);

    expect(
      (await api.request(`/v1/admin/contacts/${p.contactId}`, { method: "DELETE", key: api.keys.read }))
        .status,
    ).toBe(403);
    const res = await api.request(`/v1/admin/contacts/${p.contactId}`, { method: "DELETE", key: ADMIN_KEY });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { erased: unknown }).erased).toEqual({
      contactId: p.contactId,
      events: 3,
      journeyStates: 1,
      journeyRunsCancelled: 1,
      sendsAnonymised: 1,
      emailEvents: 2,
      links: 1,
      outboxMessages: 1,
      addressHashed: true,
    });

    const after = await everything();
    for (const needle of [p.email.toLowerCase(), p.userId.toLowerCase(), p.secret, p.contactId]) {
      const holders = [...after].filter(([, rows]) => rows.includes(needle)).map(([table]) => table);
      // The audit log names the erased contact's id (who was erased, by whom), nothing else of them.
      expect(holders, needle).toEqual(needle === p.contactId ? ["audit_logs"] : []);
    }
    const hash = createHash("sha256").update(p.email.toLowerCase()).digest("hex");
    expect(after.get("erased_addresses")).toContain(hash);
    // The send stays as a count: sent, with no one and nothing in it.
    const [send] =
      await sql()`select status, to_email, subject, props, contact_id from email_sends where id = ${p.sendId}`;
    expect(send).toEqual({ status: "sent", to_email: "erased", subject: "", props: {}, contact_id: null });

    expect((await api.request(`/v1/admin/contacts/${p.contactId}`, { key: api.keys.read })).status).toBe(404);
    expect(
      (await api.request(`/v1/admin/contacts/${p.contactId}`, { method: "DELETE", key: ADMIN_KEY })).status,
    ).toBe(404);
  });

  it("keeps marketing mail from an erased address, in any case of it, and lets transactional mail through", async () => {
    const p = await personEverywhere();
    expect(
      (await api.request(`/v1/admin/contacts/${p.contactId}`, { method: "DELETE", key: ADMIN_KEY })).status,
    ).toBe(200);
    const send = async (template: string, to: string) => {
      const res = await api.request("/v1/emails", {
        method: "POST",
        key: api.keys.send,
        body: { template, to, props: {}, idempotencyKey: randomUUID() },
      });
      expect(res.status).toBe(202);
      return (await res.json()) as { status: string; reason: string | null };
    };
    expect(await send("news", p.email.toUpperCase())).toMatchObject({
      status: "suppressed",
      reason: "the address was erased at its owner's request",
    });
    expect(await send("receipt", p.email)).toMatchObject({ status: "queued" });
  });
});
