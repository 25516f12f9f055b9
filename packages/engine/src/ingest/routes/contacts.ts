import { AppError } from "@hogsend/core";
import { type Contact, findContact, upsertContact } from "@hogsend/db";
import { createRoute, z } from "@hono/zod-openapi";
import { requireAccess } from "../../access/require-access.js";
import { limitBody } from "../../http/body-limit.js";
import { errorResponses } from "../../http/errors.js";
import type { ApiApp } from "../../http/types.js";
import type { HogsendClient } from "../../platform/client.js";

const ContactSchema = z
  .object({
    id: z.uuid(),
    userId: z.string().nullable(),
    email: z.string().nullable(),
    anonymousId: z.string().nullable(),
    properties: z.record(z.string(), z.unknown()),
    firstSeenAt: z.iso.datetime(),
    lastSeenAt: z.iso.datetime(),
  })
  .openapi("Contact");

const identityFields = {
  userId: z.string().min(1).max(255).optional(),
  email: z.email().max(320).optional(),
  anonymousId: z.string().min(1).max(255).optional(),
};

function requireIdentity(
  v: { userId?: string | undefined; email?: string | undefined; anonymousId?: string | undefined },
  ctx: z.RefinementCtx,
) {
  if (v.userId || v.email || v.anonymousId) return;
  for (const field of ["userId", "email", "anonymousId"]) {
    ctx.addIssue({
      code: "custom",
      path: [field],
      message: "one of userId, email or anonymousId is required",
    });
  }
}

function serialize(contact: Contact) {
  return {
    id: contact.id,
    userId: contact.externalId,
    email: contact.email,
    anonymousId: contact.anonymousId,
    properties: contact.properties,
    firstSeenAt: contact.firstSeenAt.toISOString(),
    lastSeenAt: contact.lastSeenAt.toISOString(),
  };
}

const upsertRoute = createRoute({
  method: "put",
  path: "/v1/contacts",
  tags: ["Ingest"],
  summary: "Create or update a contact",
  middleware: [limitBody(), requireAccess("ingest")] as const,
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({ ...identityFields, properties: z.record(z.string(), z.unknown()).optional() })
            .superRefine(requireIdentity)
            .openapi("ContactUpsert"),
        },
      },
    },
  },
  responses: {
    200: { description: "The contact", content: { "application/json": { schema: ContactSchema } } },
    ...errorResponses(400, 401, 403, 413, 429),
  },
});

const findRoute = createRoute({
  method: "get",
  path: "/v1/contacts/find",
  tags: ["Ingest"],
  summary: "Find a contact by user id, email or anonymous id",
  middleware: [requireAccess("read")] as const,
  request: { query: z.object(identityFields).superRefine(requireIdentity) },
  responses: {
    200: { description: "The contact", content: { "application/json": { schema: ContactSchema } } },
    ...errorResponses(400, 401, 403, 404, 429),
  },
});

export function registerContactRoutes(app: ApiApp, runtime: { client: HogsendClient }) {
  const { client } = runtime;
  const { db } = client.db;
  app.openapi(upsertRoute, async (c) => {
    const body = c.req.valid("json");
    const contact = await upsertContact(db, {
      externalId: body.userId,
      email: body.email,
      anonymousId: body.anonymousId,
      properties: body.properties,
    });
    return c.json(serialize(contact), 200);
  });
  app.openapi(findRoute, async (c) => {
    const q = c.req.valid("query");
    const contact = await findContact(db, {
      externalId: q.userId,
      email: q.email,
      anonymousId: q.anonymousId,
    });
    if (!contact) throw new AppError("NOT_FOUND", "No contact with that identity");
    return c.json(serialize(contact), 200);
  });
}
