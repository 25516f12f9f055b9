import { AppError } from "@hogsend/core";
import { createRoute, z } from "@hono/zod-openapi";
import { limitBody } from "../../../http/body-limit.js";
import { errorResponses } from "../../../http/errors.js";
import type { ApiApp } from "../../../http/types.js";
import type { IngestService } from "../../../ingest/ingest-service.js";
import type { HogsendClient } from "../../../platform/client.js";
import {
  createEmailWebhookReceivers,
  EMAIL_WEBHOOK_PROVIDER_IDS,
} from "../../../platform/email-providers/webhook-receivers.js";
import { receiveEmailWebhook } from "../receive-provider-webhook.js";

const EmailWebhookResultSchema = z
  .object({
    received: z.number().int().openapi({ description: "Email events the body carried" }),
    processed: z.number().int().openapi({ description: "Events recorded by this delivery" }),
    duplicates: z.number().int().openapi({ description: "Events an earlier delivery already recorded" }),
  })
  .openapi("EmailWebhookResult");

const route = createRoute({
  method: "post",
  path: "/v1/webhooks/email/{providerId}",
  tags: ["Ingest"],
  summary: "Receive delivery and engagement webhooks from an email provider (Resend, Postmark)",
  description:
    "Resend is verified by its Svix signature (RESEND_WEBHOOK_SECRET), Postmark by HTTP Basic " +
    "(POSTMARK_WEBHOOK_USER / POSTMARK_WEBHOOK_PASS); a provider whose secret is unset is refused. " +
    "Events for messages Hogsend did not send are acknowledged and dropped.",
  // Authenticated by the provider's signature, not an API key.
  security: [],
  middleware: [limitBody()] as const,
  request: {
    params: z.object({
      providerId: z
        .string()
        .openapi({ example: "resend", description: EMAIL_WEBHOOK_PROVIDER_IDS.join(", ") }),
    }),
  },
  responses: {
    200: {
      description: "Received; a redelivery answers the same with its events counted as duplicates",
      content: { "application/json": { schema: EmailWebhookResultSchema } },
    },
    ...errorResponses(400, 401, 404, 413),
  },
});

/** POST /v1/webhooks/email/:providerId: provider webhooks → email_events, suppression, email.* events. */
export function registerEmailWebhookRoutes(
  app: ApiApp,
  runtime: { client: HogsendClient; ingest: IngestService },
) {
  const { client, ingest } = runtime;
  const receivers = createEmailWebhookReceivers(client.env, client.email);

  app.openapi(route, async (c) => {
    const { providerId } = c.req.valid("param");
    const receiver = receivers.get(providerId);
    if (!receiver) {
      throw new AppError(
        "NOT_FOUND",
        `No email provider ${providerId} receives webhooks; known: ${EMAIL_WEBHOOK_PROVIDER_IDS.join(", ")}`,
      );
    }
    // The bytes as sent: signatures cover them, so they are never re-serialised.
    const request = { headers: c.req.raw.headers, rawBody: await c.req.text() };
    return c.json(await receiveEmailWebhook(client, receiver, request, ingest), 200);
  });
}
