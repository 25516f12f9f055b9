import { createRoute, z } from "@hono/zod-openapi";
import { requireAccess } from "../../access/require-access.js";
import { limitBody } from "../../http/body-limit.js";
import { errorResponses } from "../../http/errors.js";
import { CallerKeySchema } from "../../http/idempotency-key.js";
import type { ApiApp } from "../../http/types.js";
import { EventInputSchema } from "../event-input.js";
import type { IngestService } from "../ingest-service.js";

const IngestResultSchema = z
  .object({
    stored: z.boolean().openapi({ description: "False for a replayed idempotency key" }),
    duplicate: z.boolean(),
    exits: z.number().int().openapi({ description: "Live journey enrollments this event ended (exitOn)" }),
    eventId: z.string(),
    contactId: z.uuid().openapi({ description: "The contact: the canonical user key journeys correlate on" }),
    pushed: z.boolean().openapi({
      description:
        "Queued for the workflow engine: a journey triggers on this event, or one of the contact's runs is " +
        "waiting for it; it reaches the engine from the outbox at least once, shortly after this answer. " +
        "False: stored only, nothing consumes it.",
    }),
  })
  .openapi("IngestResult");

const route = createRoute({
  method: "post",
  path: "/v1/events",
  tags: ["Ingest"],
  summary: "Ingest a product event",
  description:
    "Stores the event once per idempotency key and upserts its contact, in one statement shared with " +
    "concurrent requests; answers once it is committed. Events a journey consumes are queued for the " +
    "workflow engine and pushed from an outbox, never lost while the engine is unreachable.",
  middleware: [limitBody(), requireAccess("ingest")] as const,
  request: {
    headers: z.object({ "idempotency-key": CallerKeySchema.optional() }),
    body: { required: true, content: { "application/json": { schema: EventInputSchema } } },
  },
  responses: {
    202: { description: "Accepted", content: { "application/json": { schema: IngestResultSchema } } },
    ...errorResponses(400, 401, 403, 413),
  },
});

export function registerEventRoutes(app: ApiApp, runtime: { ingest: IngestService }) {
  const { ingest } = runtime;
  app.openapi(route, async (c) => {
    const input = c.req.valid("json");
    const { "idempotency-key": headerKey } = c.req.valid("header");
    const result = await ingest.ingest(input, { source: "api", idempotencyKey: headerKey });
    return c.json(result, 202);
  });
}
