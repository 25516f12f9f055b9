import { AppError } from "@hogsend/core";
import { InvalidCursorError, listAuditLogs } from "@hogsend/db";
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../http/errors.js";
import type { ApiApp } from "../../http/types.js";
import type { HogsendClient } from "../../platform/client.js";
import { requireAccess } from "../require-access.js";

const AuditLogSchema = z
  .object({
    id: z.uuid(),
    actorType: z.string(),
    actorId: z.string().nullable(),
    apiKeyId: z.string().nullable(),
    action: z.string(),
    resourceType: z.string(),
    resourceId: z.string().nullable(),
    ip: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    createdAt: z.iso.datetime(),
  })
  .openapi("AuditLog");

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A date (`2030-01-31`, midnight UTC) or a date-time with offset; as an upper bound a bare date
 * includes that whole day. The same reading as the sends list's `from`/`to`.
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
          ? "Rows recorded at or after this date or date-time"
          : "Rows recorded before this date-time, or on or before this date",
      example: bound === "from" ? "2030-01-01" : "2030-01-31",
    });

const exact = (description: string, example: string) =>
  z.string().trim().min(1).max(200).optional().openapi({ description, example });

const route = createRoute({
  method: "get",
  path: "/v1/admin/audit-logs",
  tags: ["Admin"],
  summary: "Admin mutations, newest first",
  description:
    "Filters are exact matches combined with AND; the cursor pages within the same filters (pass " +
    "them again with it).",
  middleware: [requireAccess("read")] as const,
  request: {
    query: z
      .object({
        limit: z.coerce.number().int().min(1).max(200).default(50),
        cursor: z.string().max(200).optional(),
        actorType: z.enum(["user", "api_key", "admin_key", "system"]).optional(),
        actorId: exact("A Studio user's id or an API key's id", "usr_123"),
        action: exact("An action, exactly", "journey.update"),
        resourceType: exact("A resource type, exactly", "contact"),
        resourceId: exact("A resource id, exactly", "welcome"),
        from: dateBound("from"),
        to: dateBound("to"),
      })
      // `to` before `from` is a mistake worth naming, not an empty answer.
      .superRefine((q, ctx) => {
        if (q.from && q.to && q.to <= q.from) {
          ctx.addIssue({ code: "custom", path: ["to"], message: "must be after from" });
        }
      }),
  },
  responses: {
    200: {
      description: "A page of audit rows",
      content: {
        "application/json": {
          schema: z.object({ items: z.array(AuditLogSchema), nextCursor: z.string().nullable() }),
        },
      },
    },
    ...errorResponses(400, 401, 403, 429),
  },
});

export function registerAuditLogRoutes(app: ApiApp, runtime: { client: HogsendClient }) {
  const { client } = runtime;
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    try {
      const page = await listAuditLogs(client.db.db, query);
      return c.json(
        {
          items: page.items.map(({ seq: _seq, tenantId: _tenant, createdAt, ...row }) => ({
            ...row,
            createdAt: createdAt.toISOString(),
          })),
          nextCursor: page.nextCursor,
        },
        200,
      );
    } catch (err) {
      if (err instanceof InvalidCursorError) {
        throw new AppError("VALIDATION_FAILED", "Invalid query: cursor", {
          details: { fields: [{ field: "cursor", message: err.message }] },
        });
      }
      throw err;
    }
  });
}
