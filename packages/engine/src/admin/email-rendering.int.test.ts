import { randomUUID } from "node:crypto";
import { suppressAddresses } from "@hogsend/db";
import { defineTemplate, defineTemplates, EmailLayout } from "@hogsend/email";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { setupTestApp, studioUserWithRole } from "../testing.js";

const PUBLIC_URL = "https://mail.acme.test";

const NudgePropsSchema = z.object({ name: z.string().min(1), plan: z.enum(["team", "enterprise"]) });
const templates = defineTemplates({
  nudge: defineTemplate({
    component: (p: z.infer<typeof NudgePropsSchema>) =>
      EmailLayout({ brandName: "Acme", children: `Hi ${p.name}, ${p.plan} is waiting for you.` }),
    subject: (p) => `${p.name}, ${p.plan} is waiting`,
    category: "marketing",
    example: { name: "Ada", plan: "team" },
    props: NudgePropsSchema,
  }),
});

const api = setupTestApp({
  env: { API_PUBLIC_URL: PUBLIC_URL },
  content: { templates },
  keys: ["full-admin"],
});

type ErrorBody = { error: { code: string; message: string; details?: { fields?: { field: string }[] } } };
type TestSend = { emailSendId: string; to: string; status: string; reason?: string };

let operator: Awaited<ReturnType<typeof studioUserWithRole>>;
beforeAll(async () => {
  operator = await studioUserWithRole(api, "operator");
});

const testSend = (cookie: string, key: string, body: unknown) =>
  api.request(`/v1/admin/templates/${key}/test-send`, { method: "POST", body, headers: { cookie } });

const sendRow = async (id: string) => {
  const [row] = await api.client.db.sql<{ to_email: string; template: string; props: unknown }[]>`
    select to_email, template, props from email_sends where id = ${id}`;
  return row;
};

describe("POST /v1/admin/templates/:key/test-send", () => {
  it("sends to the signed-in operator's own address, with the given props, and audits it", async () => {
    const res = await testSend(operator.cookie, "nudge", { props: { name: "Grace", plan: "enterprise" } });
    expect(res.status).toBe(202);
    const body = (await res.json()) as TestSend;
    expect(body).toMatchObject({ to: operator.email, status: "queued" });
    expect(await sendRow(body.emailSendId)).toEqual({
      to_email: operator.email,
      template: "nudge",
      props: { name: "Grace", plan: "enterprise" },
    });
    const [audit] = await api.client.db.sql<{ actor_id: string; metadata: Record<string, unknown> }[]>`
      select actor_id, metadata from audit_logs
      where action = 'template.test_send' and resource_id = 'nudge' order by seq desc limit 1`;
    expect(audit).toEqual({
      actor_id: operator.id,
      metadata: { emailSendId: body.emailSendId, status: "queued" },
    });

    // Each test is a send of its own: a second click after editing the template is not a duplicate.
    const again = (await (await testSend(operator.cookie, "nudge", {})).json()) as TestSend;
    expect(again.emailSendId).not.toBe(body.emailSendId);
    expect((await sendRow(again.emailSendId))?.props).toEqual({ name: "Ada", plan: "team" });
  });

  it("never takes an address from the request", async () => {
    const res = await testSend(operator.cookie, "nudge", { to: "someone-else@example.com", props: {} });
    expect(res.status).toBe(400);
    expect(
      await api.client.db.sql`select 1 from email_sends where to_email = 'someone-else@example.com'`,
    ).toHaveLength(0);
  });

  it("refuses a viewer, an API key and no credentials, and sends nothing", async () => {
    const before = await api.client.db.sql<{ n: number }[]>`select count(*)::int as n from email_sends`;
    const viewer = await studioUserWithRole(api, "viewer");
    expect((await testSend(viewer.cookie, "nudge", {})).status).toBe(403);
    const byKey = await api.request("/v1/admin/templates/nudge/test-send", {
      method: "POST",
      body: {},
      key: api.keys["full-admin"],
    });
    expect(byKey.status).toBe(403);
    expect(((await byKey.json()) as ErrorBody).error.message).toContain("own address");
    expect(
      (await api.request("/v1/admin/templates/nudge/test-send", { method: "POST", body: {} })).status,
    ).toBe(401);
    const after = await api.client.db.sql<{ n: number }[]>`select count(*)::int as n from email_sends`;
    expect(after[0]?.n).toBe(before[0]?.n);
  });

  it("names bad props and unknown templates, and sends nothing", async () => {
    const bad = await testSend(operator.cookie, "nudge", { props: { name: "", plan: "free" } });
    expect(bad.status).toBe(400);
    const fields = ((await bad.json()) as ErrorBody).error.details?.fields?.map((f) => f.field).sort();
    expect(fields).toEqual(["props.name", "props.plan"]);
    const unknown = await testSend(operator.cookie, "nudg", {});
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as ErrorBody).error.message).toContain("did you mean nudge?");
    expect(await api.client.db.sql`select 1 from email_sends where props->>'plan' = 'free'`).toHaveLength(0);
  });

  it("honours the operator's own suppression", async () => {
    const suppressed = await studioUserWithRole(api, "operator");
    await suppressAddresses(api.client.db.sql, [{ email: suppressed.email, reason: "bounced" }]);
    const body = (await (await testSend(suppressed.cookie, "nudge", {})).json()) as TestSend;
    expect(body.status).toBe("suppressed");
    expect(body.reason).toBeTruthy();
  });
});

describe("GET /v1/admin/emails/:id/rendered", () => {
  const rendered = (id: string, format = "json") =>
    api.request(`/v1/admin/emails/${id}/rendered?format=${format}`, { key: api.keys["full-admin"] });
  const newSend = async (props: Record<string, unknown>) =>
    ((await (await testSend(operator.cookie, "nudge", { props })).json()) as TestSend).emailSendId;

  it("renders the send's stored props again, with the subject as sent and placeholder links", async () => {
    const id = await newSend({ name: "Lin", plan: "enterprise" });
    const res = await rendered(id);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { subject: string; html: string; text: string; category: string };
    expect(body.subject).toBe("Lin, enterprise is waiting");
    expect(body.html).toContain("Hi Lin, enterprise is waiting for you.");
    const hrefs = [...body.html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
    expect(hrefs).toContain(`${PUBLIC_URL}/v1/email/unsubscribe?token=preview`);

    const html = await rendered(id, "html");
    expect(html.headers.get("content-type")).toMatch(/^text\/html/);
    expect(html.headers.get("content-security-policy")).toMatch(/default-src 'none'.*sandbox/);
    expect(await html.text()).toContain("Hi Lin");
    expect(await (await rendered(id, "text")).text()).toContain("Hi Lin, enterprise is waiting for you.");
  });

  it("says why a send cannot be rendered: a template gone, props it now refuses, an erased contact", async () => {
    const gone = await newSend({ name: "Max", plan: "team" });
    await api.client.db.sql`update email_sends set template = 'retired-nudge' where id = ${gone}`;
    const goneRes = await rendered(gone);
    expect(goneRes.status).toBe(409);
    expect(((await goneRes.json()) as ErrorBody).error.message).toContain("no longer has");

    const stale = await newSend({ name: "Max", plan: "team" });
    await api.client.db
      .sql`update email_sends set props = ${JSON.stringify({ name: "Max", plan: "free" })}::jsonb where id = ${stale}`;
    const staleRes = await rendered(stale);
    expect(staleRes.status).toBe(409);
    const staleBody = (await staleRes.json()) as ErrorBody;
    expect(staleBody.error.message).toContain("no longer pass");
    expect(staleBody.error.details?.fields?.map((f) => f.field)).toEqual(["props.plan"]);

    const someone = await studioUserWithRole(api, "operator");
    const erasedSend = ((await (await testSend(someone.cookie, "nudge", {})).json()) as TestSend).emailSendId;
    const [contact] = await api.client.db.sql<{ contact_id: string }[]>`
      select contact_id from email_sends where id = ${erasedSend}`;
    const erase = await api.request(`/v1/admin/contacts/${contact?.contact_id}`, {
      method: "DELETE",
      key: api.keys["full-admin"],
    });
    expect(erase.status).toBe(200);
    const erasedRes = await rendered(erasedSend);
    expect(erasedRes.status).toBe(409);
    expect(((await erasedRes.json()) as ErrorBody).error.message).toContain("erased");

    expect((await rendered(randomUUID())).status).toBe(404);
    expect((await rendered("not-a-uuid")).status).toBe(400);
  });

  it("lets a viewer look", async () => {
    const viewer = await studioUserWithRole(api, "viewer");
    const id = await newSend({ name: "Vi", plan: "team" });
    const res = await api.request(`/v1/admin/emails/${id}/rendered`, { headers: { cookie: viewer.cookie } });
    expect(res.status).toBe(200);
  });
});
