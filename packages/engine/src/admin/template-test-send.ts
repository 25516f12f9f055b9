import { randomUUID } from "node:crypto";
import { recordAudit } from "@hogsend/access";
import { AppError } from "@hogsend/core";
import { EMAIL_SEND_STATUSES } from "@hogsend/db";
import type { TemplateRegistry } from "@hogsend/email";
import { createRoute, z } from "@hono/zod-openapi";
import { principalOf, requireAccess } from "../access/require-access.js";
import type { Mailer } from "../email/outbound/mailer.js";
import { clientIp } from "../http/client-ip.js";
import { errorResponses } from "../http/errors.js";
import type { ApiApp } from "../http/types.js";
import type { HogsendClient } from "../platform/client.js";
import { templateByKey } from "./templates.js";

const TestSendResultSchema = z
  .object({
    emailSendId: z.uuid(),
    to: z.email().openapi({ description: "The signed-in user's own address: the only one a test goes to" }),
    status: z.enum(EMAIL_SEND_STATUSES),
    reason: z.string().optional().openapi({ description: "Why it was suppressed, when it was" }),
  })
  .openapi("TemplateTestSendResult");

const testSendRoute = createRoute({
  method: "post",
  path: "/v1/admin/templates/{key}/test-send",
  tags: ["Admin"],
  summary: "Send a template to yourself",
  description:
    "Sends the template, with the given props or its example props, to the signed-in Studio " +
    "user's own address and to no other: the address comes from the session, never from the " +
    "request. It is a real send through the same pipeline (listed among the sends, tracked; your " +
    "own preferences and suppression apply). An API key has no address of its own, so it gets " +
    "403. Audited.",
  middleware: [requireAccess("send")] as const,
  request: {
    params: z.object({ key: z.string().min(1).max(200).openapi({ example: "welcome" }) }),
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({
              props: z
                .record(z.string(), z.unknown())
                .optional()
                .openapi({ description: "The template's props; its example props when left out" }),
            })
            .strict(),
        },
      },
    },
  },
  responses: {
    202: {
      description: "Recorded: queued for delivery, or suppressed with the reason",
      content: { "application/json": { schema: TestSendResultSchema } },
    },
    ...errorResponses(400, 401, 403, 404, 429),
  },
});

export function registerTemplateTestSendRoute(
  app: ApiApp,
  runtime: { client: HogsendClient; templates: TemplateRegistry | undefined; mailer: Mailer | undefined },
) {
  const { client, mailer } = runtime;
  if (!mailer) return;
  const registry: TemplateRegistry = runtime.templates ?? {};

  app.openapi(testSendRoute, async (c) => {
    const principal = principalOf(c);
    if (principal.kind !== "user")
      throw new AppError(
        "FORBIDDEN",
        "A test send goes to the signed-in Studio user's own address, and an API key has none: sign in to Studio",
      );
    const { key } = c.req.valid("param");
    const template = templateByKey(registry, key);
    const { props } = c.req.valid("json");
    const { send } = await mailer.enqueue({
      to: principal.email,
      template: key,
      props: props ?? (template.example as Record<string, unknown>),
      // Every click is a new send: a test is repeated on purpose, after changing the template.
      idempotencyKey: `studio-test:${randomUUID()}`,
    });
    await recordAudit(client.db.db, principal, {
      action: "template.test_send",
      resourceType: "template",
      resourceId: key,
      ip: clientIp(c),
      metadata: { emailSendId: send.id, status: send.status },
    });
    return c.json(
      {
        emailSendId: send.id,
        to: send.toEmail,
        status: send.status,
        ...(send.reason ? { reason: send.reason } : {}),
      },
      202,
    );
  });
}
