import {
  createStudioUser,
  findStudioUser,
  listStudioAdmins,
  recordAudit,
  resetStudioUserPassword,
  setStudioUserRole,
} from "@hogsend/access";
import { AppError } from "@hogsend/core";
import { STUDIO_ROLES } from "@hogsend/db";
import { createRoute, z } from "@hono/zod-openapi";
import { APIError } from "better-auth/api";
import { clientIp } from "../../http/client-ip.js";
import { errorResponses } from "../../http/errors.js";
import type { ApiApp } from "../../http/types.js";
import type { HogsendClient } from "../../platform/client.js";
import { principalOf, requireAccess } from "../require-access.js";

const PASSWORD = z.string().min(8).max(256);

const StudioUserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(STUDIO_ROLES),
  })
  .openapi("StudioUser");

const MeSchema = z
  .object({
    kind: z.enum(["user", "api_key", "admin_key"]),
    // A union, not .nullable().openapi(): that would register StudioUser itself as nullable.
    user: z.union([StudioUserSchema, z.null()]),
  })
  .openapi("Me");

const meRoute = createRoute({
  method: "get",
  path: "/v1/admin/me",
  tags: ["Admin"],
  summary: "Who is calling, and (for a Studio user) their role",
  middleware: [requireAccess("read")] as const,
  responses: {
    200: { description: "The caller", content: { "application/json": { schema: MeSchema } } },
    ...errorResponses(401, 403, 429),
  },
});

const changeOwnPasswordRoute = createRoute({
  method: "post",
  path: "/v1/admin/me/password",
  tags: ["Admin"],
  summary: "Change the signed-in Studio user's own password (ends their other sessions)",
  middleware: [requireAccess("read")] as const,
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .strictObject({ currentPassword: z.string().min(1).max(256), newPassword: PASSWORD })
            .openapi("PasswordChange"),
        },
      },
    },
  },
  responses: {
    204: { description: "Changed" },
    ...errorResponses(400, 401, 403, 429),
  },
});

const listUsersRoute = createRoute({
  method: "get",
  path: "/v1/admin/users",
  tags: ["Admin"],
  summary: "Studio users with their roles (admins only)",
  middleware: [requireAccess("manage:read")] as const,
  responses: {
    200: {
      description: "Users, oldest first",
      content: { "application/json": { schema: z.object({ items: z.array(StudioUserSchema) }) } },
    },
    ...errorResponses(401, 403, 429),
  },
});

const createUserRoute = createRoute({
  method: "post",
  path: "/v1/admin/users",
  tags: ["Admin"],
  summary: "Create a Studio user with a role and a first password (admins only)",
  middleware: [requireAccess("manage")] as const,
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .strictObject({
              email: z.email().max(320),
              name: z.string().trim().min(1).max(100).optional(),
              role: z.enum(STUDIO_ROLES),
              password: PASSWORD,
            })
            .openapi("CreateStudioUser"),
        },
      },
    },
  },
  responses: {
    201: { description: "Created", content: { "application/json": { schema: StudioUserSchema } } },
    ...errorResponses(400, 401, 403, 409, 429),
  },
});

// better-auth's ids are alphanumeric: anything else is a 400 before any lookup.
const userParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, "must be a user id") });

const updateUserRoute = createRoute({
  method: "patch",
  path: "/v1/admin/users/{id}",
  tags: ["Admin"],
  summary: "Change a Studio user's role; their sessions end (admins only, not their own role)",
  middleware: [requireAccess("manage")] as const,
  request: {
    params: userParams,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.strictObject({ role: z.enum(STUDIO_ROLES) }).openapi("StudioUserUpdate"),
        },
      },
    },
  },
  responses: {
    200: {
      description: "The user as it now stands",
      content: { "application/json": { schema: StudioUserSchema } },
    },
    ...errorResponses(400, 401, 403, 404, 409, 429),
  },
});

const resetPasswordRoute = createRoute({
  method: "post",
  path: "/v1/admin/users/{id}/password",
  tags: ["Admin"],
  summary: "Set another Studio user's password and end their sessions (admins only)",
  middleware: [requireAccess("manage")] as const,
  request: {
    params: userParams,
    body: {
      required: true,
      content: {
        "application/json": { schema: z.strictObject({ password: PASSWORD }).openapi("PasswordReset") },
      },
    },
  },
  responses: {
    204: { description: "Reset" },
    ...errorResponses(400, 401, 403, 404, 429),
  },
});

/** Studio users: who am I, my password, and (admins) the user list, new users and resets. */
export function registerUserRoutes(app: ApiApp, runtime: { client: HogsendClient }) {
  const { client } = runtime;
  const { db } = client.db;

  app.openapi(meRoute, async (c) => {
    const principal = principalOf(c);
    const user = principal.kind === "user" ? await findStudioUser(db, principal.userId) : undefined;
    return c.json({ kind: principal.kind, user: user ?? null }, 200);
  });

  app.openapi(changeOwnPasswordRoute, async (c) => {
    const principal = principalOf(c);
    if (principal.kind !== "user") throw new AppError("FORBIDDEN", "Only a Studio user has a password");
    const body = c.req.valid("json");
    let newCookies: string[];
    try {
      const result = await client.auth.api.changePassword({
        headers: c.req.raw.headers,
        body: {
          currentPassword: body.currentPassword,
          newPassword: body.newPassword,
          revokeOtherSessions: true,
        },
        returnHeaders: true,
      });
      newCookies = result.headers.getSetCookie();
    } catch (err) {
      if (err instanceof APIError && err.statusCode === 400) {
        throw new AppError("VALIDATION_FAILED", "Invalid body: currentPassword", {
          details: { fields: [{ field: "currentPassword", message: "is not your current password" }] },
        });
      }
      throw err;
    }
    await recordAudit(db, principal, {
      action: "studio_user.password_change",
      resourceType: "user",
      resourceId: principal.userId,
      ip: clientIp(c),
    });
    // Revoking the other sessions issued this one a new token: pass its cookie on.
    for (const cookie of newCookies) c.header("set-cookie", cookie, { append: true });
    return c.body(null, 204);
  });

  app.openapi(listUsersRoute, async (c) => {
    const users = await listStudioAdmins(db);
    return c.json({ items: users.map(({ createdAt: _createdAt, ...user }) => user) }, 200);
  });

  app.openapi(createUserRoute, async (c) => {
    const principal = principalOf(c);
    const body = c.req.valid("json");
    const created = await createStudioUser(client.auth, body);
    await recordAudit(db, principal, {
      action: "studio_user.create",
      resourceType: "user",
      resourceId: created.id,
      ip: clientIp(c),
      metadata: { email: created.email, role: created.role },
    });
    const user = await findStudioUser(db, created.id);
    if (!user) throw new Error(`user ${created.id} vanished after its creation`);
    return c.json(user, 201);
  });

  app.openapi(updateUserRoute, async (c) => {
    const principal = principalOf(c);
    const { id } = c.req.valid("param");
    const { role } = c.req.valid("json");
    // An admin demoting themselves could leave no admin at all; another admin does it.
    if (principal.kind === "user" && principal.userId === id)
      throw new AppError("CONFLICT", "You cannot change your own role; ask another admin");
    const before = await findStudioUser(db, id);
    if (!before) throw new AppError("NOT_FOUND", `no Studio user ${id}`);
    await setStudioUserRole(client.auth, db, { userId: id, role });
    await recordAudit(db, principal, {
      action: "studio_user.role_change",
      resourceType: "user",
      resourceId: id,
      ip: clientIp(c),
      metadata: { email: before.email, from: before.role, to: role },
    });
    return c.json({ ...before, role }, 200);
  });

  app.openapi(resetPasswordRoute, async (c) => {
    const principal = principalOf(c);
    const { id } = c.req.valid("param");
    const { password } = c.req.valid("json");
    const user = await resetStudioUserPassword(client.auth, { userId: id, password });
    await recordAudit(db, principal, {
      action: "studio_user.password_reset",
      resourceType: "user",
      resourceId: user.id,
      ip: clientIp(c),
      metadata: { email: user.email },
    });
    return c.body(null, 204);
  });
}
