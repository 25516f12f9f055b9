import { recordAudit } from "@hogsend/access";
import { AppError } from "@hogsend/core";
import {
  EMAIL_EVENT_TYPES,
  EMAIL_SEND_STATUSES,
  type EmailEvent,
  type EmailSend,
  type EmailSendCounts,
  emailMetrics,
  emailSendDetail,
  listEmailSends,
  requeueFailedSend,
} from "@hogsend/db";
import { createRoute, z } from "@hono/zod-openapi";
import { principalOf, requireAccess } from "../access/require-access.js";
import { clientIp } from "../http/client-ip.js";
import { errorResponses } from "../http/errors.js";
import { pageOf, pageQuery } from "../http/pagination.js";
import type { ApiApp } from "../http/types.js";
import type { HogsendClient } from "../platform/client.js";

/** How many events the detail view carries; a send scanned or opened more often is marked truncated. */
const TIMELINE_EVENTS = 500;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A date (`2030-01-31`, midnight UTC) or a date-time with offset. As an upper bound a bare date
 * includes that whole day, so `from=2030-01-01&to=2030-01-31` is all of January.
 */
const dateBound = (bound: "from" | "to") =>
  z
    .union([z.iso.date(), z.iso.datetime({ offset: true })])
    .optional()
    .transform((value) => {
      if (value === undefined) return undefined;
      const at = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
      return bound === "to" && value.length === 10 ? new Date(at.getTime() + DAY_MS) : at;
    })
    .openapi({
      description:
        bound === "from"
          ? "Sends created at or after this date or date-time"
          : "Sends created before this date-time, or on or before this date",
      example: bound === "from" ? "2030-01-01" : "2030-01-31",
    });

const dateRange = { from: dateBound("from"), to: dateBound("to") };

/** `to` before `from` is a mistake worth naming, not an empty answer. */
const checkRange = (q: { from?: Date | undefined; to?: Date | undefined }, ctx: z.RefinementCtx) => {
  if (q.from && q.to && q.to <= q.from) {
    ctx.addIssue({ code: "custom", path: ["to"], message: "must be after from" });
  }
};

const iso = (d: Date | null) => d?.toISOString() ?? null;

const EmailSendSchema = z
  .object({
    id: z.uuid(),
    contactId: z.uuid().nullable().openapi({ description: "Null once the contact is deleted" }),
    toEmail: z.string(),
    template: z.string(),
    category: z.string(),
    subject: z.string(),
    status: z.enum(EMAIL_SEND_STATUSES).openapi({
      description:
        "`queued` → `sending` → `sent` | `failed`; `suppressed` when preferences, suppression or a cap stopped it",
    }),
    reason: z.string().nullable().openapi({ description: "Why it was suppressed or failed" }),
    journeyId: z.string().nullable(),
    journeyStateId: z.uuid().nullable(),
    provider: z.string().nullable(),
    providerMessageId: z.string().nullable(),
    attempts: z.number().int(),
    openCount: z.number().int().openapi({ description: "Every human open, repeats included" }),
    clickCount: z.number().int().openapi({ description: "Every human click, repeats included" }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    sentAt: z.iso.datetime().nullable(),
    failedAt: z.iso.datetime().nullable(),
    deliveredAt: z.iso.datetime().nullable(),
    firstOpenedAt: z.iso.datetime().nullable(),
    firstClickedAt: z.iso.datetime().nullable(),
    bouncedAt: z.iso.datetime().nullable(),
    complainedAt: z.iso.datetime().nullable(),
    unsubscribedAt: z.iso.datetime().nullable(),
  })
  .openapi("EmailSend");

function serializeSend(send: EmailSend): z.infer<typeof EmailSendSchema> {
  return {
    id: send.id,
    contactId: send.contactId,
    toEmail: send.toEmail,
    template: send.template,
    category: send.category,
    subject: send.subject,
    status: send.status,
    reason: send.reason,
    journeyId: send.journeyId,
    journeyStateId: send.journeyStateId,
    provider: send.provider,
    providerMessageId: send.providerMessageId,
    attempts: send.attempts,
    openCount: send.openCount,
    clickCount: send.clickCount,
    createdAt: send.createdAt.toISOString(),
    updatedAt: send.updatedAt.toISOString(),
    sentAt: iso(send.sentAt),
    failedAt: iso(send.failedAt),
    deliveredAt: iso(send.deliveredAt),
    firstOpenedAt: iso(send.firstOpenedAt),
    firstClickedAt: iso(send.firstClickedAt),
    bouncedAt: iso(send.bouncedAt),
    complainedAt: iso(send.complainedAt),
    unsubscribedAt: iso(send.unsubscribedAt),
  };
}

const EmailEventSchema = z
  .object({
    id: z.uuid(),
    type: z.enum(EMAIL_EVENT_TYPES),
    occurredAt: z.iso.datetime(),
    linkId: z.uuid().nullable(),
    url: z.string().nullable(),
    isBot: z.boolean().openapi({ description: "A link scanner or previewer: recorded, not engagement" }),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi("EmailEvent");

const serializeEvent = (event: EmailEvent): z.infer<typeof EmailEventSchema> => ({
  id: event.id,
  type: event.type,
  occurredAt: event.occurredAt.toISOString(),
  linkId: event.linkId,
  url: event.url,
  isBot: event.isBot,
  data: event.data,
});

const EmailSendDetailSchema = z
  .object({
    send: EmailSendSchema.extend({
      props: z.record(z.string(), z.unknown()).openapi({ description: "Template props as given" }),
    }),
    timeline: z.array(EmailEventSchema).openapi({
      description: `Provider webhooks, opens and clicks, oldest first, at most ${TIMELINE_EVENTS}`,
    }),
    timelineTruncated: z.boolean(),
    links: z
      .array(
        z.object({
          id: z.uuid(),
          url: z.string(),
          position: z.number().int(),
          humanClicks: z.number().int().openapi({ description: "Every click by a person, repeats included" }),
          botClicks: z.number().int().openapi({ description: "Clicks by link scanners and previewers" }),
        }),
      )
      .openapi({ description: "The tracked links, in the order they appear in the email" }),
  })
  .openapi("EmailSendDetail");

const CountsSchema = z.object({
  total: z.number().int().openapi({ description: "Every send recorded, queued and sending included" }),
  sent: z.number().int().openapi({ description: "Accepted by the provider" }),
  delivered: z.number().int(),
  opened: z.number().int().openapi({ description: "Sends opened at least once" }),
  clicked: z.number().int().openapi({ description: "Sends clicked at least once" }),
  bounced: z.number().int(),
  complained: z.number().int(),
  unsubscribed: z.number().int(),
  suppressed: z.number().int(),
  failed: z.number().int(),
});

const RatesSchema = z
  .object({
    delivery: z.number().openapi({ description: "delivered / sent" }),
    open: z.number().openapi({ description: "opened / engagementBase" }),
    click: z.number().openapi({ description: "clicked / engagementBase" }),
    bounce: z.number().openapi({ description: "bounced / sent" }),
    complaint: z.number().openapi({ description: "complained / sent" }),
    engagementBase: z.enum(["delivered", "sent"]).openapi({
      description:
        "`delivered` when any send has a delivery webhook; `sent` when none has (a provider without " +
        "delivery events), so open and click rates are not stuck at 0",
    }),
  })
  .openapi("EmailRates", { description: "Fractions rounded to 4 decimals; 0 when the denominator is 0" });

const MetricsRowSchema = CountsSchema.extend({ rates: RatesSchema });

const EmailMetricsSchema = z
  .object({
    total: MetricsRowSchema,
    templates: z.array(MetricsRowSchema.extend({ template: z.string() })).openapi({
      description: "One row per template with a matching send, by key",
    }),
    days: z.array(MetricsRowSchema.extend({ day: z.iso.date().openapi({ example: "2026-12-01" }) })).openapi({
      description:
        "One row per UTC day (of the send's creation) with a matching send, oldest first; days " +
        "without a send are left out",
    }),
  })
  .openapi("EmailMetrics");

const rate = (part: number, whole: number) =>
  whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;

function withRates(counts: EmailSendCounts): z.infer<typeof MetricsRowSchema> {
  const base = counts.delivered > 0 ? "delivered" : "sent";
  const engaged = counts[base];
  return {
    ...counts,
    rates: {
      delivery: rate(counts.delivered, counts.sent),
      open: rate(counts.opened, engaged),
      click: rate(counts.clicked, engaged),
      bounce: rate(counts.bounced, counts.sent),
      complaint: rate(counts.complained, counts.sent),
      engagementBase: base,
    },
  };
}

const listRoute = createRoute({
  method: "get",
  path: "/v1/admin/emails",
  tags: ["Admin"],
  summary: "Email sends, newest first",
  middleware: [requireAccess("read")] as const,
  request: {
    query: z
      .object({
        ...pageQuery,
        status: z.enum(EMAIL_SEND_STATUSES).optional(),
        template: z.string().min(1).max(200).optional().openapi({ description: "Template key" }),
        journeyId: z.string().min(1).max(200).optional(),
        contactId: z.uuid().optional().openapi({ description: "Only sends to this contact" }),
        userId: z.string().min(1).max(255).optional().openapi({
          description: "Only sends to the contact(s) with this user id, deleted contacts included",
        }),
        ...dateRange,
      })
      .superRefine(checkRange),
  },
  responses: {
    200: {
      description: "A page of sends",
      content: { "application/json": { schema: pageOf(EmailSendSchema) } },
    },
    ...errorResponses(400, 401, 403, 429),
  },
});

const detailRoute = createRoute({
  method: "get",
  path: "/v1/admin/emails/{id}",
  tags: ["Admin"],
  summary: "One send with its timeline and per-link clicks",
  middleware: [requireAccess("read")] as const,
  request: { params: z.object({ id: z.uuid() }) },
  responses: {
    200: { description: "The send", content: { "application/json": { schema: EmailSendDetailSchema } } },
    ...errorResponses(400, 401, 403, 404, 429),
  },
});

const resendRoute = createRoute({
  method: "post",
  path: "/v1/admin/emails/{id}/resend",
  tags: ["Admin"],
  summary: "Send a failed email again",
  description:
    "Puts a `failed` send back in the queue, due now, with its attempts reset. It keeps its id, so the provider's idempotency key is the same. A send that is not failed gets 409. Audited.",
  middleware: [requireAccess("write")] as const,
  request: { params: z.object({ id: z.uuid() }) },
  responses: {
    200: {
      description: "Queued again",
      content: { "application/json": { schema: z.object({ id: z.uuid(), status: z.literal("queued") }) } },
    },
    ...errorResponses(400, 401, 403, 404, 409, 429),
  },
});

const metricsRoute = createRoute({
  method: "get",
  path: "/v1/admin/metrics/emails",
  tags: ["Admin"],
  summary: "Send outcomes and rates per template and overall",
  description:
    "Counts are unique per send (a send opened five times counts once in `opened`). Filters apply to " +
    "when the send was created. Rates: delivery = delivered/sent; open and click = opened or " +
    "clicked over delivered, or over sent when no send has delivery data (see `engagementBase`); " +
    "bounce and complaint = bounced or complained over sent.",
  middleware: [requireAccess("read")] as const,
  request: {
    query: z
      .object({
        ...dateRange,
        journeyId: z
          .string()
          .min(1)
          .max(200)
          .optional()
          .openapi({ description: "Only this journey's sends" }),
      })
      .superRefine(checkRange),
  },
  responses: {
    200: { description: "The metrics", content: { "application/json": { schema: EmailMetricsSchema } } },
    ...errorResponses(400, 401, 403, 429),
  },
});

export function registerAdminEmailRoutes(app: ApiApp, runtime: { client: HogsendClient }) {
  const { client } = runtime;
  const { db } = client.db;

  app.openapi(listRoute, async (c) => {
    const q = c.req.valid("query");
    const page = await listEmailSends(db, {
      limit: q.limit,
      cursor: q.cursor,
      status: q.status,
      template: q.template,
      journeyId: q.journeyId,
      contactId: q.contactId,
      userId: q.userId,
      from: q.from,
      to: q.to,
    });
    return c.json({ items: page.items.map(serializeSend), nextCursor: page.nextCursor }, 200);
  });

  app.openapi(detailRoute, async (c) => {
    const { id } = c.req.valid("param");
    const detail = await emailSendDetail(db, id, { eventLimit: TIMELINE_EVENTS });
    if (!detail) throw new AppError("NOT_FOUND", `No email send ${id}`);
    return c.json(
      {
        send: { ...serializeSend(detail.send), props: detail.send.props },
        timeline: detail.events.map(serializeEvent),
        timelineTruncated: detail.eventsTruncated,
        links: detail.links,
      },
      200,
    );
  });

  app.openapi(resendRoute, async (c) => {
    const { id } = c.req.valid("param");
    if (!(await requeueFailedSend(client.db.sql, id))) {
      const detail = await emailSendDetail(db, id, { eventLimit: 0 });
      if (!detail) throw new AppError("NOT_FOUND", `No email send ${id}`);
      throw new AppError(
        "CONFLICT",
        `Email send ${id} is ${detail.send.status}: only a failed send is sent again`,
      );
    }
    await recordAudit(db, principalOf(c), {
      action: "email.resend",
      resourceType: "email_send",
      resourceId: id,
      ip: clientIp(c),
    });
    return c.json({ id, status: "queued" as const }, 200);
  });

  app.openapi(metricsRoute, async (c) => {
    const q = c.req.valid("query");
    const metrics = await emailMetrics(db, { from: q.from, to: q.to, journeyId: q.journeyId });
    return c.json(
      {
        total: withRates(metrics.total),
        templates: metrics.templates.map(({ template, ...counts }) => ({ template, ...withRates(counts) })),
        days: metrics.days.map(({ day, ...counts }) => ({ day, ...withRates(counts) })),
      },
      200,
    );
  });
}
