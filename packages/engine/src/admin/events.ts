import type { StoredEvent } from "@hogsend/db";
import { listEvents } from "@hogsend/db";
import { createRoute, z } from "@hono/zod-openapi";
import { requireAccess } from "../access/require-access.js";
import { errorResponses } from "../http/errors.js";
import { pageOf, pageQuery } from "../http/pagination.js";
import type { ApiApp } from "../http/types.js";
import type { HogsendClient } from "../platform/client.js";

export const StoredEventSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    contactId: z.uuid().nullable().openapi({ description: "Null once the contact is deleted" }),
    userKey: z.string().openapi({ description: "Canonical user key (the contact id at ingest)" }),
    properties: z.record(z.string(), z.unknown()),
    source: z.string().openapi({ example: "api" }),
    idempotencyKey: z.string(),
    occurredAt: z.iso.datetime(),
    receivedAt: z.iso.datetime(),
    delivery: z.enum(["pushed", "pending", "parked", "skipped"]).openapi({
      description:
        "Where the event stands with the workflow engine: `skipped` (no journey consumes it, stored only), " +
        "`pending` (queued, not yet accepted; retried with backoff), `parked` (the engine refused it; see " +
        "`lastPushError`), `pushed` (accepted)",
    }),
    lastPushError: z.string().nullable(),
  })
  .openapi("StoredEvent");

export function serializeEvent(event: StoredEvent): z.infer<typeof StoredEventSchema> {
  return {
    id: event.id,
    name: event.event,
    contactId: event.contactId,
    userKey: event.userKey,
    properties: event.properties,
    source: event.source,
    idempotencyKey: event.idempotencyKey,
    occurredAt: event.occurredAt.toISOString(),
    receivedAt: event.receivedAt.toISOString(),
    delivery: event.delivery,
    lastPushError: event.lastPushError,
  };
}

const listRoute = createRoute({
  method: "get",
  path: "/v1/admin/events",
  tags: ["Admin"],
  summary: "Stored events, newest occurrence first",
  middleware: [requireAccess("read")] as const,
  request: {
    query: z.object({
      ...pageQuery,
      contactId: z.uuid().optional().openapi({ description: "Only this contact's events" }),
      name: z.string().min(1).max(200).optional().openapi({ description: "Only events with this name" }),
      source: z.string().min(1).max(200).optional().openapi({ description: "Only events from this source" }),
    }),
  },
  responses: {
    200: {
      description: "A page of events",
      content: { "application/json": { schema: pageOf(StoredEventSchema) } },
    },
    ...errorResponses(400, 401, 403, 429),
  },
});

export function registerAdminEventRoutes(app: ApiApp, runtime: { client: HogsendClient }) {
  const { client } = runtime;
  app.openapi(listRoute, async (c) => {
    const q = c.req.valid("query");
    const page = await listEvents(client.db.db, {
      limit: q.limit,
      cursor: q.cursor,
      userKey: q.contactId,
      name: q.name,
      source: q.source,
    });
    return c.json({ items: page.items.map(serializeEvent), nextCursor: page.nextCursor }, 200);
  });
}
