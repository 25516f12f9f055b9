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

const route = createRoute({
  method: "get",
  path: "/v1/admin/audit-logs",
  tags: ["Admin"],
  summary: "Admin mutations, newest first",
  middleware: [requireAccess("read")] as const,
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(200).default(50),
      cursor: z.string().max(200).optional(),
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
    const { limit, cursor } = c.req.valid("query");
    try {
      const page = await listAuditLogs(client.db.db, { limit, cursor });
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
