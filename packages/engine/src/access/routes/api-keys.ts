import { createApiKey, principalKey, recordAudit } from "@hogsend/access";
import { AppError } from "@hogsend/core";
import { API_KEY_SCOPES, type ApiKey, listApiKeys, revokeApiKey } from "@hogsend/db";
import { createRoute, z } from "@hono/zod-openapi";
import { clientIp } from "../../http/client-ip.js";
import { errorResponses } from "../../http/errors.js";
import type { ApiApp } from "../../http/types.js";
import type { HogsendClient } from "../../platform/client.js";
import { requireAccess } from "../require-access.js";

const ApiKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string().openapi({ description: "First 8 characters after `hsk_`, to recognise the key" }),
    scopes: z.array(z.enum(API_KEY_SCOPES)),
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
    lastUsedAt: z.iso.datetime().nullable(),
  })
  .openapi("ApiKey");

const CreateApiKeySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    scopes: z.array(z.enum(API_KEY_SCOPES)).min(1),
    expiresAt: z.iso
      .datetime({ offset: true })
      .optional()
      .refine((v) => v === undefined || new Date(v) > new Date(), "must be in the future"),
  })
  .openapi("CreateApiKey");

const CreatedApiKeySchema = ApiKeySchema.extend({
  secret: z.string().openapi({ description: "The key itself. Shown once; only its hash is stored." }),
}).openapi("CreatedApiKey");

function serialize(key: ApiKey) {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    createdBy: key.createdBy,
    createdAt: key.createdAt.toISOString(),
    expiresAt: key.expiresAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
  };
}

const createKeyRoute = createRoute({
  method: "post",
  path: "/v1/admin/api-keys",
  tags: ["Admin"],
  summary: "Create an API key (the secret is shown once)",
  middleware: [requireAccess("manage")] as const,
  request: { body: { required: true, content: { "application/json": { schema: CreateApiKeySchema } } } },
  responses: {
    201: { description: "Created", content: { "application/json": { schema: CreatedApiKeySchema } } },
    ...errorResponses(400, 401, 403, 429),
  },
});

const listKeysRoute = createRoute({
  method: "get",
  path: "/v1/admin/api-keys",
  tags: ["Admin"],
  summary: "List API keys (never their secrets)",
  middleware: [requireAccess("manage:read")] as const,
  request: {
    query: z.object({
      includeRevoked: z
        .enum(["true", "false"])
        .default("false")
        .transform((v) => v === "true"),
    }),
  },
  responses: {
    200: {
      description: "Keys, newest first",
      content: { "application/json": { schema: z.object({ items: z.array(ApiKeySchema) }) } },
    },
    ...errorResponses(400, 401, 403, 429),
  },
});

const revokeKeyRoute = createRoute({
  method: "delete",
  path: "/v1/admin/api-keys/{id}",
  tags: ["Admin"],
  summary: "Revoke an API key",
  middleware: [requireAccess("manage")] as const,
  request: { params: z.object({ id: z.uuid() }) },
  responses: {
    200: { description: "Revoked", content: { "application/json": { schema: ApiKeySchema } } },
    ...errorResponses(400, 401, 403, 404, 429),
  },
});

export function registerApiKeyRoutes(app: ApiApp, runtime: { client: HogsendClient }) {
  const { client } = runtime;
  const { db } = client.db;

  app.openapi(createKeyRoute, async (c) => {
    const body = c.req.valid("json");
    const principal = c.get("principal");
    if (!principal) throw new AppError("UNAUTHORIZED", "Authentication required");
    const { key, secret } = await createApiKey(db, {
      name: body.name,
      scopes: body.scopes,
      expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
      createdBy: principalKey(principal),
    });
    await recordAudit(db, principal, {
      action: "api_key.create",
      resourceType: "api_key",
      resourceId: key.id,
      ip: clientIp(c),
      metadata: {
        name: key.name,
        scopes: key.scopes,
        prefix: key.prefix,
        expiresAt: key.expiresAt?.toISOString() ?? null,
      },
    });
    return c.json({ ...serialize(key), secret }, 201);
  });

  app.openapi(listKeysRoute, async (c) => {
    const { includeRevoked } = c.req.valid("query");
    const keys = await listApiKeys(db, { includeRevoked });
    return c.json({ items: keys.map(serialize) }, 200);
  });

  app.openapi(revokeKeyRoute, async (c) => {
    const { id } = c.req.valid("param");
    const principal = c.get("principal");
    if (!principal) throw new AppError("UNAUTHORIZED", "Authentication required");
    const key = await revokeApiKey(db, id);
    if (!key) throw new AppError("NOT_FOUND", `No live API key ${id}`);
    // At once on this replica; the others stop trusting it within API_KEY_CACHE_TTL_MS.
    client.apiKeys.forget(key.id);
    await recordAudit(db, principal, {
      action: "api_key.revoke",
      resourceType: "api_key",
      resourceId: key.id,
      ip: clientIp(c),
      metadata: { name: key.name, prefix: key.prefix },
    });
    return c.json(serialize(key), 200);
  });
}
