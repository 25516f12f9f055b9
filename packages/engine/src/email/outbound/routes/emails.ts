import { AppError } from "@hogsend/core";
import { createRoute, z } from "@hono/zod-openapi";
import { rateLimit, requireAccess } from "../../../access/require-access.js";
import { limitBody } from "../../../http/body-limit.js";
import { errorResponses } from "../../../http/errors.js";
import { CallerKeySchema } from "../../../http/idempotency-key.js";
import type { ApiApp } from "../../../http/types.js";
import type { HogsendClient } from "../../../platform/client.js";
import { linkHostsAllowed, propWithForeignLink } from "../link-hosts.js";
import type { Mailer } from "../mailer.js";

const SendEmailBodySchema = z
  .object({
    to: z.email().max(320).optional().openapi({ example: "ann@example.com" }),
    userId: z.string().min(1).max(255).optional().openapi({ description: "Your product's user id" }),
    template: z.string().min(1).max(200).openapi({ example: "receipt" }),
    props: z.record(z.string(), z.unknown()).optional().openapi({ description: "The template's props" }),
    subject: z
      .string()
      .min(1)
      .max(998)
      // A CR or LF in a header value starts a new header (Bcc: …) in a naive MTA.
      .refine((s) => !/[\r\n]/.test(s), "must be one line: no CR or LF")
      .optional()
      .openapi({ description: "Overrides the template's subject (not for transactional templates)" }),
    category: z.string().min(1).max(100).optional().openapi({
      description: "Overrides the template's preference category (never to or from transactional)",
    }),
    idempotencyKey: CallerKeySchema.optional().openapi({
      description: "The same key returns the same send; the Idempotency-Key header wins",
    }),
  })
  .refine((body) => body.to !== undefined || body.userId !== undefined, {
    message: "Give `to` or `userId`",
    path: ["to"],
  })
  .openapi("SendEmailRequest");

const SendEmailResultSchema = z
  .object({
    emailSendId: z.uuid(),
    status: z.enum(["queued", "sending", "sent", "failed", "suppressed"]),
    reason: z.string().optional().openapi({ description: "Why it was suppressed or failed" }),
    duplicate: z.boolean().openapi({ description: "True when the idempotency key named an earlier send" }),
  })
  .openapi("SendEmailResult");

/** The rate limit bucket's window: EMAIL_SEND_RATE_LIMIT_PER_MINUTE is per minute and per key. */
const WINDOW_MS = 60_000;

/**
 * POST /v1/emails: a transactional (or one-off) send from the product. The send is recorded
 * before the answer; delivery happens right after in this process, and the redrive loop
 * finishes it if this process dies first.
 */
export function registerEmailRoutes(app: ApiApp, runtime: { client: HogsendClient; mailer: Mailer }) {
  const { client, mailer } = runtime;
  const route = createRoute({
    method: "post",
    path: "/v1/emails",
    tags: ["Email"],
    summary: "Send an email from a template",
    middleware: [
      limitBody(),
      requireAccess("send"),
      rateLimit(client.rateLimiter, client.logger, {
        bucket: "emails",
        limit: client.env.EMAIL_SEND_RATE_LIMIT_PER_MINUTE,
        windowMs: WINDOW_MS,
      }),
    ] as const,
    request: {
      headers: z.object({ "idempotency-key": CallerKeySchema.optional() }),
      body: { required: true, content: { "application/json": { schema: SendEmailBodySchema } } },
    },
    responses: {
      202: {
        description: "Recorded: queued for delivery, or suppressed with the reason",
        content: { "application/json": { schema: SendEmailResultSchema } },
      },
      ...errorResponses(400, 401, 403, 404, 413, 429),
    },
  });

  const linkHosts = linkHostsAllowed(client.env.EMAIL_LINK_HOSTS, client.publicUrl);
  app.openapi(route, async (c) => {
    const body = c.req.valid("json");
    const foreign = linkHosts && propWithForeignLink(body.props ?? {}, linkHosts);
    if (foreign)
      throw new AppError(
        "VALIDATION_FAILED",
        `props.${foreign.field}: links to ${foreign.host}, not an allowed host`,
        {
          details: {
            fields: [
              {
                field: `props.${foreign.field}`,
                message: `links to ${foreign.host}; EMAIL_LINK_HOSTS allows ${linkHosts.join(", ")}`,
              },
            ],
          },
        },
      );
    const { "idempotency-key": headerKey } = c.req.valid("header");
    // The caller has its answer once the send is recorded; delivery is the mailer's business.
    const { send, created } = await mailer.enqueue({
      ...body,
      idempotencyKey: headerKey ?? body.idempotencyKey,
    });
    return c.json(
      {
        emailSendId: send.id,
        status: send.status,
        ...(send.reason ? { reason: send.reason } : {}),
        duplicate: !created,
      },
      202,
    );
  });
}
