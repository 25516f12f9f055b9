import { AppError } from "@hogsend/core";
import { listOutboxMessages, type OutboxSummary, outboxMessageById } from "@hogsend/db";
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../../http/errors.js";
import { EMAIL_HTML_CSP, escapeHtml } from "../../../http/html-pages.js";
import { pageOf, pageQuery } from "../../../http/pagination.js";
import type { ApiApp } from "../../../http/types.js";
import type { HogsendClient } from "../../../platform/client.js";

const BASE = "/v1/dev/outbox";

/** The list page is our own markup: inline styles only. */
const LIST_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

const LinksSchema = z.object({
  self: z.string().openapi({ example: `${BASE}/0b9c…` }),
  html: z.string(),
  text: z.string(),
});

const OutboxItemSchema = z
  .object({
    id: z.uuid(),
    sendId: z.uuid().nullable(),
    from: z.string(),
    to: z.string(),
    subject: z.string(),
    template: z.string().nullable().openapi({ description: "Null for mail stored without a send" }),
    createdAt: z.iso.datetime(),
    links: LinksSchema,
  })
  .openapi("OutboxItem");

const OutboxMessageSchema = OutboxItemSchema.extend({
  headers: z
    .record(z.string(), z.string())
    .openapi({ description: "Extra MIME headers, e.g. List-Unsubscribe and List-Unsubscribe-Post" }),
  html: z.string(),
  text: z.string(),
}).openapi("OutboxMessage");

const idParams = z.object({ id: z.uuid() });

const links = (id: string) => ({
  self: `${BASE}/${id}`,
  html: `${BASE}/${id}/html`,
  text: `${BASE}/${id}/text`,
});

function serializeSummary(m: OutboxSummary): z.infer<typeof OutboxItemSchema> {
  return {
    id: m.id,
    sendId: m.sendId,
    from: m.from,
    to: m.to,
    subject: m.subject,
    template: m.template,
    createdAt: m.createdAt.toISOString(),
    links: links(m.id),
  };
}

const listRoute = createRoute({
  method: "get",
  path: BASE,
  tags: ["Dev"],
  summary: "Mail the outbox provider kept, newest first (HTML for browsers, JSON otherwise)",
  description: "Development only: absent when NODE_ENV=production.",
  security: [],
  request: { query: z.object(pageQuery) },
  responses: {
    200: {
      description: "A page of outbox messages",
      content: {
        "application/json": { schema: pageOf(OutboxItemSchema) },
        "text/html": { schema: z.string() },
      },
    },
    ...errorResponses(400),
  },
});

const getRoute = createRoute({
  method: "get",
  path: `${BASE}/{id}`,
  tags: ["Dev"],
  summary: "One outbox message with its headers and bodies",
  security: [],
  request: { params: idParams },
  responses: {
    200: { description: "The message", content: { "application/json": { schema: OutboxMessageSchema } } },
    ...errorResponses(400, 404),
  },
});

const htmlRoute = createRoute({
  method: "get",
  path: `${BASE}/{id}/html`,
  tags: ["Dev"],
  summary: "The message's HTML as a page (scripts blocked by Content-Security-Policy)",
  security: [],
  request: { params: idParams },
  responses: {
    200: { description: "The HTML body", content: { "text/html": { schema: z.string() } } },
    ...errorResponses(400, 404),
  },
});

const textRoute = createRoute({
  method: "get",
  path: `${BASE}/{id}/text`,
  tags: ["Dev"],
  summary: "The message's plain-text body",
  security: [],
  request: { params: idParams },
  responses: {
    200: { description: "The text body", content: { "text/plain": { schema: z.string() } } },
    ...errorResponses(400, 404),
  },
});

/**
 * GET /v1/dev/outbox[/:id[/html|/text]]: read the mail the outbox provider stored instead of
 * sending. No auth: register it only outside production.
 */
export function registerDevOutboxRoutes(app: ApiApp, runtime: { client: HogsendClient }) {
  const { client } = runtime;
  const { db } = client.db;
  const find = async (id: string) => {
    const message = await outboxMessageById(db, id);
    if (!message) throw new AppError("NOT_FOUND", `No outbox message ${id}`);
    return message;
  };

  app.openapi(listRoute, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const page = await listOutboxMessages(db, { limit, cursor });
    if (c.req.header("accept")?.includes("text/html")) {
      c.header("Content-Security-Policy", LIST_CSP);
      return c.html(renderList(page.items, page.nextCursor, limit), 200);
    }
    return c.json({ items: page.items.map(serializeSummary), nextCursor: page.nextCursor }, 200);
  });

  app.openapi(getRoute, async (c) => {
    const message = await find(c.req.valid("param").id);
    return c.json(
      {
        ...serializeSummary(message),
        headers: message.headers,
        html: message.html,
        text: message.text,
      },
      200,
    );
  });

  app.openapi(htmlRoute, async (c) => {
    const message = await find(c.req.valid("param").id);
    c.header("Content-Security-Policy", EMAIL_HTML_CSP);
    c.header("X-Content-Type-Options", "nosniff");
    return c.html(message.html, 200);
  });

  app.openapi(textRoute, async (c) => {
    const message = await find(c.req.valid("param").id);
    c.header("X-Content-Type-Options", "nosniff");
    return c.text(message.text, 200);
  });
}

function renderList(items: OutboxSummary[], nextCursor: string | null, limit: number): string {
  const rows = items
    .map((m) => {
      const l = links(m.id);
      return `<tr><td>${escapeHtml(m.createdAt.toISOString())}</td><td>${escapeHtml(m.to)}</td>
<td>${escapeHtml(m.subject)}</td><td>${escapeHtml(m.template ?? "—")}</td>
<td><a href="${l.html}">html</a> · <a href="${l.text}">text</a> · <a href="${l.self}">json</a></td></tr>`;
    })
    .join("\n");
  const older = nextCursor
    ? `<p><a href="${BASE}?limit=${limit}&amp;cursor=${encodeURIComponent(nextCursor)}">Older →</a></p>`
    : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hogsend outbox</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}th{background:#f6f6f6}</style>
</head><body><h1>Outbox</h1>
<p>Mail the outbox provider kept instead of sending (development only), newest first.</p>
${
  items.length === 0
    ? "<p>No mail yet.</p>"
    : `<table><thead><tr><th>Time</th><th>To</th><th>Subject</th><th>Template</th><th>View</th></tr></thead>
<tbody>
${rows}
</tbody></table>`
}
${older}
</body></html>`;
}
