import { randomUUID } from "node:crypto";
import { defineTemplate, defineTemplates, EmailLayout } from "@hogsend/email";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createApp } from "../runtime/create-app.js";
import { setupTestApp, testRuntime } from "../testing.js";

const PUBLIC_URL = "https://mail.acme.test";

// The engine has no JSX: components call the layout as a function, which renders the same markup.
const UpgradePropsSchema = z.object({
  name: z.string().min(1),
  plan: z.enum(["team", "enterprise"]),
});
const templates = defineTemplates({
  "upgrade-offer": defineTemplate({
    component: (p: z.infer<typeof UpgradePropsSchema>) =>
      EmailLayout({ brandName: "Acme", children: `Hi ${p.name}, the ${p.plan} plan is 20% off this week.` }),
    subject: (p) => `${p.name}, ${p.plan} is 20% off`,
    category: "marketing",
    example: { name: "Ada", plan: "team" },
    props: UpgradePropsSchema,
  }),
  receipt: defineTemplate({
    component: (p: { total: string }) => EmailLayout({ brandName: "Acme", children: `You paid ${p.total}.` }),
    subject: "Your Acme receipt",
    category: "transactional",
    example: { total: "$12.00" },
  }),
  // A template bug: its own example fails its schema. The list still answers, naming the problem.
  broken: defineTemplate({
    component: (p: { count: number }) => EmailLayout({ children: `Count ${p.count}` }),
    subject: (p) => `You have ${p.count}`,
    category: "product",
    example: { count: -1 },
    props: z.object({ count: z.number().int().min(0) }),
  }),
});

const api = setupTestApp({
  env: { API_PUBLIC_URL: PUBLIC_URL },
  content: { templates },
  keys: ["ingest", "read"],
});

const read = (path: string, key = api.keys.read, target = api.app) =>
  target.request(path, { headers: { authorization: `Bearer ${key}` } });

type ErrorBody = { error: { code: string; message: string; details: { fields: { field: string }[] } } };
type Rendered = { subject: string; html: string; text: string; category: string };

describe("GET /v1/admin/templates", () => {
  it("answers 401 without credentials and 403 to an ingest-only key", async () => {
    for (const path of ["/v1/admin/templates", "/v1/admin/templates/receipt/preview"]) {
      expect((await api.app.request(path)).status).toBe(401);
      expect((await read(path, api.keys.ingest)).status).toBe(403);
    }
  });

  it("lists every template by key with its category, subject and example props", async () => {
    const res = await read("/v1/admin/templates");
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: Record<string, unknown>[] };
    expect(items).toEqual([
      {
        key: "broken",
        category: "product",
        subject: null,
        subjectIsDynamic: true,
        hasPropsSchema: true,
        example: { count: -1 },
        exampleError: expect.stringContaining("props.count"),
      },
      {
        key: "receipt",
        category: "transactional",
        subject: "Your Acme receipt",
        subjectIsDynamic: false,
        hasPropsSchema: false,
        example: { total: "$12.00" },
        exampleError: null,
      },
      {
        key: "upgrade-offer",
        category: "marketing",
        subject: "Ada, team is 20% off",
        subjectIsDynamic: true,
        hasPropsSchema: true,
        example: { name: "Ada", plan: "team" },
        exampleError: null,
      },
    ]);
  });

  it("lists nothing and previews nothing when the app has no templates", async () => {
    const bare = createApp(testRuntime(api.client));
    const list = await read("/v1/admin/templates", api.keys.read, bare);
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual({ items: [] });
    expect((await read("/v1/admin/templates/receipt/preview", api.keys.read, bare)).status).toBe(404);
  });
});

describe("GET /v1/admin/templates/:key/preview", () => {
  it("renders the example props by default, with placeholder links and no real token", async () => {
    const res = await read("/v1/admin/templates/upgrade-offer/preview");
    expect(res.status).toBe(200);
    const rendered = (await res.json()) as Rendered;
    expect(rendered.subject).toBe("Ada, team is 20% off");
    expect(rendered.category).toBe("marketing");
    expect(rendered.html).toContain("Hi Ada, the team plan is 20% off this week.");
    expect(rendered.text).toContain("Hi Ada, the team plan is 20% off this week.");
    const hrefs = [...rendered.html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
    expect(hrefs).toEqual(
      expect.arrayContaining([
        `${PUBLIC_URL}/v1/email/unsubscribe?token=preview`,
        `${PUBLIC_URL}/v1/email/preferences?token=preview`,
      ]),
    );
    // Nothing that looks like a signed token leaves a preview.
    expect(hrefs.every((href) => href?.endsWith("token=preview"))).toBe(true);
  });

  it("renders given props, and html or text alone on request", async () => {
    const props = encodeURIComponent(JSON.stringify({ name: "Grace", plan: "enterprise" }));
    const json = (await (
      await read(`/v1/admin/templates/upgrade-offer/preview?props=${props}`)
    ).json()) as Rendered;
    expect(json.subject).toBe("Grace, enterprise is 20% off");
    expect(json.html).toContain("Hi Grace, the enterprise plan");

    const html = await read(`/v1/admin/templates/upgrade-offer/preview?props=${props}&format=html`);
    expect(html.status).toBe(200);
    expect(html.headers.get("content-type")).toMatch(/^text\/html/);
    // Served on the api's origin: no script may run in it, whatever the props carry.
    expect(html.headers.get("content-security-policy")).toMatch(/default-src 'none'.*sandbox/);
    expect(html.headers.get("content-security-policy")).not.toContain("script-src");
    const markup = await html.text();
    expect(markup).toMatch(/^<!DOCTYPE html/i);
    expect(markup).toContain("Hi Grace, the enterprise plan");

    const text = await read("/v1/admin/templates/receipt/preview?format=text");
    expect(text.status).toBe(200);
    expect(text.headers.get("content-type")).toMatch(/^text\/plain/);
    const body = await text.text();
    expect(body).toContain("You paid $12.00.");
    // Transactional mail carries no unsubscribe link, not even a placeholder.
    expect(body).not.toContain("unsubscribe");
  });

  it("refuses props the template's schema rejects, and props that are not JSON, naming the fields", async () => {
    const props = encodeURIComponent(JSON.stringify({ name: "", plan: "free" }));
    const res = await read(`/v1/admin/templates/upgrade-offer/preview?props=${props}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe("VALIDATION_FAILED");
    expect(body.error.details.fields.map((f) => f.field).sort()).toEqual(["props.name", "props.plan"]);

    const notJson = await read("/v1/admin/templates/upgrade-offer/preview?props={name:");
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as ErrorBody).error.details.fields.map((f) => f.field)).toEqual(["props"]);

    const badFormat = await read("/v1/admin/templates/receipt/preview?format=pdf");
    expect(badFormat.status).toBe(400);
    expect(((await badFormat.json()) as ErrorBody).error.details.fields.map((f) => f.field)).toEqual([
      "format",
    ]);
  });

  it("answers 404 for an unknown template with a suggestion", async () => {
    const res = await read("/v1/admin/templates/upgrade-ofer/preview");
    expect(res.status).toBe(404);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe("NOT_FOUND");
    expect(body.error.message).toContain("did you mean upgrade-offer?");
    const far = (await (await read(`/v1/admin/templates/${randomUUID()}/preview`)).json()) as ErrorBody;
    expect(far.error.message).not.toContain("did you mean");
  });
});

describe("API reference", () => {
  it("documents the email, metrics, template and preference routes", async () => {
    const spec = (await (await api.app.request("/openapi.json")).json()) as { paths: Record<string, object> };
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        "/v1/admin/emails",
        "/v1/admin/emails/{id}",
        "/v1/admin/metrics/emails",
        "/v1/admin/templates",
        "/v1/admin/templates/{key}/preview",
        "/v1/admin/contacts/{id}/preferences",
      ]),
    );
    expect(Object.keys(spec.paths["/v1/admin/contacts/{id}/preferences"] ?? {}).sort()).toEqual([
      "get",
      "put",
    ]);
  });
});
