import { AppError } from "@hogsend/core";
import { createRoute, z } from "@hono/zod-openapi";
import { limitBody } from "../http/body-limit.js";
import { errorResponses } from "../http/errors.js";
import type { ApiApp } from "../http/types.js";
import { type EventInput, EventInputSchema } from "../ingest/event-input.js";
import type { IngestService } from "../ingest/ingest-service.js";
import type { HogsendClient } from "../platform/client.js";
import type { WebhookSource } from "./define-webhook-source.js";
import { verifyWebhook } from "./verify.js";

const WebhookResultSchema = z
  .object({
    accepted: z.array(z.object({ eventId: z.string(), contactId: z.string(), duplicate: z.boolean() })),
    skipped: z
      .array(z.string())
      .openapi({ description: "Why items were dropped (anonymous, our own, reserved…)" }),
  })
  .openapi("WebhookResult");

const route = createRoute({
  method: "post",
  path: "/v1/webhooks/{sourceId}",
  tags: ["Ingest"],
  summary: "Receive a signed webhook from a registered source (PostHog, …)",
  middleware: [limitBody()] as const,
  request: { params: z.object({ sourceId: z.string() }) },
  responses: {
    202: { description: "Accepted", content: { "application/json": { schema: WebhookResultSchema } } },
    ...errorResponses(400, 401, 404, 413),
  },
});

function fieldsError(message: string, issues: z.core.$ZodIssue[], prefix = "") {
  return new AppError("VALIDATION_FAILED", message, {
    details: {
      fields: issues.map((i) => ({
        field: `${prefix}${i.path.map(String).join(".")}` || "body",
        message: i.message,
      })),
    },
  });
}

export function registerWebhookRoutes(
  app: ApiApp,
  runtime: {
    client: HogsendClient;
    ingest: IngestService;
    content: { webhookSources?: WebhookSource[] | undefined };
  },
) {
  const { client, ingest } = runtime;
  const sources = runtime.content.webhookSources ?? [];
  const byId = new Map<string, WebhookSource>();
  for (const source of sources) {
    if (byId.has(source.id)) throw new Error(`two webhook sources share the id ${source.id}`);
    byId.set(source.id, source);
  }

  app.openapi(route, async (c) => {
    const { sourceId } = c.req.valid("param");
    const source = byId.get(sourceId);
    if (!source) {
      throw new AppError(
        "NOT_FOUND",
        `No webhook source ${sourceId}; registered: ${[...byId.keys()].join(", ") || "none"}`,
      );
    }
    const raw = await c.req.text();
    const verified = verifyWebhook(source.auth, client.env, c.req.raw.headers, raw);
    if (!verified.ok) throw new AppError("UNAUTHORIZED", `Webhook refused: ${verified.reason}`);

    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new AppError("VALIDATION_FAILED", "Body is not JSON", {
        details: { fields: [{ field: "body", message: "invalid JSON" }] },
      });
    }
    const parsed = source.schema.safeParse(json);
    if (!parsed.success) throw fieldsError(`Invalid ${sourceId} payload`, parsed.error.issues);

    // Validate everything before storing anything: a bad item fails the whole delivery.
    const events: EventInput[] = [];
    const skipped: string[] = [];
    for (const [i, item] of source.transform(parsed.data).entries()) {
      if ("skip" in item) {
        skipped.push(item.skip);
        continue;
      }
      const checked = EventInputSchema.safeParse(item.event);
      if (!checked.success)
        throw fieldsError(`Invalid ${sourceId} payload`, checked.error.issues, `events.${i}.`);
      events.push(checked.data);
    }
    const accepted = [];
    for (const event of events) {
      const result = await ingest.ingest(event, {
        source: `webhook:${sourceId}`,
        // Under the source's own namespace: no caller of POST /v1/events can claim it first.
        ...(event.idempotencyKey ? { idempotencyKey: `webhook:${sourceId}:${event.idempotencyKey}` } : {}),
        emailTrusted: source.trustsEmail === true,
      });
      accepted.push({ eventId: result.eventId, contactId: result.contactId, duplicate: result.duplicate });
    }
    return c.json({ accepted, skipped }, 202);
  });
}
