import { randomInt, randomUUID } from "node:crypto";
import { createStudioAdmin, createStudioUser } from "@hogsend/access";
import type { StudioRole } from "@hogsend/db";
import { describe, expect, it } from "vitest";
import { setupTestApp, signInStudio, studioUserWithRole } from "../testing.js";

const api = setupTestApp({ keys: ["read", "full-admin"] });

const signIn = (email: string, password: string) => signInStudio(api, email, password);
const userWithRole = (role: StudioRole) => studioUserWithRole(api, role);

const as = (cookie: string, init: { method?: string; body?: unknown } = {}) => ({
  ...init,
  headers: { cookie },
});

const journeyPatch = { method: "PATCH", body: { enabled: false } };

describe("Studio roles, enforced by the admin API", () => {
  it("lets a viewer read admin data but not act, and not see keys or users", async () => {
    const viewer = await userWithRole("viewer");
    expect((await api.request("/v1/admin/contacts", as(viewer.cookie))).status).toBe(200);
    expect((await api.request("/v1/admin/audit-logs", as(viewer.cookie))).status).toBe(200);
    const me = await api.request("/v1/admin/me", as(viewer.cookie));
    expect(await me.json()).toMatchObject({ kind: "user", user: { email: viewer.email, role: "viewer" } });

    const keys = await api.request("/v1/admin/api-keys", as(viewer.cookie));
    expect(keys.status).toBe(403);
    const body = (await keys.json()) as { error: { code: string; message: string; details: unknown } };
    expect(body.error.code).toBe("FORBIDDEN");
    expect(body.error.message).toContain("viewer");
    expect(body.error.details).toEqual({ requiredRoleOneOf: ["admin"], role: "viewer" });

    const createKey = await api.request(
      "/v1/admin/api-keys",
      as(viewer.cookie, { method: "POST", body: { name: "x", scopes: ["read"] } }),
    );
    expect(createKey.status).toBe(403);
    expect((await api.request("/v1/admin/users", as(viewer.cookie))).status).toBe(403);
    // A write on a journey that does not exist: the role check answers before the lookup.
    expect((await api.request("/v1/admin/journeys/nope", as(viewer.cookie, journeyPatch))).status).toBe(403);
    const erase = await api.request("/v1/admin/contacts/u-1", as(viewer.cookie, { method: "DELETE" }));
    expect(erase.status).toBe(403);
    expect(await api.client.db.sql`select 1 from api_keys where name = 'x'`).toHaveLength(0);
  });

  it("lets an operator act on journeys and contacts but not manage keys or users", async () => {
    const operator = await userWithRole("operator");
    // Past the role check: the journey is unknown, so 404, not 403.
    expect((await api.request("/v1/admin/journeys/nope", as(operator.cookie, journeyPatch))).status).toBe(
      404,
    );
    expect((await api.request("/v1/admin/api-keys", as(operator.cookie))).status).toBe(403);
    const createKey = await api.request(
      "/v1/admin/api-keys",
      as(operator.cookie, { method: "POST", body: { name: "op", scopes: ["read"] } }),
    );
    expect(createKey.status).toBe(403);
    const createUser = await api.request(
      "/v1/admin/users",
      as(operator.cookie, {
        method: "POST",
        body: { email: `x-${randomUUID()}@example.com`, role: "admin", password: "a-long-password" },
      }),
    );
    expect(createUser.status).toBe(403);
  });

  it("lets an admin manage keys and create users with a role, audited", async () => {
    const admin = await userWithRole("admin");
    expect((await api.request("/v1/admin/api-keys", as(admin.cookie))).status).toBe(200);
    const email = `new-viewer-${randomUUID()}@example.com`;
    const created = await api.request(
      "/v1/admin/users",
      as(admin.cookie, { method: "POST", body: { email, role: "viewer", password: "first-password" } }),
    );
    expect(created.status).toBe(201);
    const user = (await created.json()) as { id: string; role: string };
    expect(user).toMatchObject({ email, role: "viewer" });

    const { res, cookie } = await signIn(email, "first-password");
    expect(res.status).toBe(200);
    expect((await api.request("/v1/admin/api-keys", as(cookie))).status).toBe(403);

    const list = (await (await api.request("/v1/admin/users", as(admin.cookie))).json()) as {
      items: { email: string; role: string }[];
    };
    expect(list.items).toContainEqual(expect.objectContaining({ email, role: "viewer" }));
    const audit = await api.client.db.sql`
      select actor_id, metadata from audit_logs where action = 'studio_user.create' and resource_id = ${user.id}`;
    expect(audit).toEqual([{ actor_id: admin.id, metadata: { email, role: "viewer" } }]);
  });

  it("names the bad fields when creating a user, and refuses a duplicate email with 409", async () => {
    const admin = await userWithRole("admin");
    const bad = await api.request(
      "/v1/admin/users",
      as(admin.cookie, { method: "POST", body: { email: "nope", role: "root", password: "short" } }),
    );
    expect(bad.status).toBe(400);
    const fields = ((await bad.json()) as { error: { details: { fields: { field: string }[] } } }).error
      .details.fields;
    expect(fields.map((f) => f.field).sort()).toEqual(["email", "password", "role"]);
    const again = await api.request(
      "/v1/admin/users",
      as(admin.cookie, {
        method: "POST",
        body: { email: admin.email, role: "viewer", password: "long-enough" },
      }),
    );
    expect(again.status).toBe(409);
  });

  it("gives existing users and `studio admin create` the admin role", async () => {
    const email = `cli-admin-${randomUUID()}@example.com`;
    const { id } = await createStudioAdmin(api.client.auth, { email, password: "a-long-password" });
    expect(await api.client.db.sql`select role from "user" where id = ${id}`).toEqual([{ role: "admin" }]);
    // The column's default is what the migration gave every user who existed before roles.
    const [column] = await api.client.db.sql`
      select column_default from information_schema.columns where table_name = 'user' and column_name = 'role'`;
    expect(column?.column_default).toBe("'admin'::text");
  });

  it("keeps API keys on their scopes: read lists keys, only full-admin creates users", async () => {
    expect((await api.request("/v1/admin/api-keys", { key: api.keys.read })).status).toBe(200);
    const body = { email: `k-${randomUUID()}@example.com`, role: "viewer", password: "a-long-password" };
    expect((await api.request("/v1/admin/users", { method: "POST", body, key: api.keys.read })).status).toBe(
      403,
    );
    expect(
      (await api.request("/v1/admin/users", { method: "POST", body, key: api.keys["full-admin"] })).status,
    ).toBe(201);
  });
});

describe("Studio role changes", () => {
  it("lets an admin change another user's role, ending their sessions, audited", async () => {
    const admin = await userWithRole("admin");
    const viewer = await userWithRole("viewer");
    const changed = await api.request(
      `/v1/admin/users/${viewer.id}`,
      as(admin.cookie, { method: "PATCH", body: { role: "operator" } }),
    );
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ id: viewer.id, role: "operator" });
    // The old session carried the old role: it is gone, and a new one carries the new role.
    expect((await api.request("/v1/admin/me", as(viewer.cookie))).status).toBe(401);
    const { cookie } = await signIn(viewer.email, viewer.password);
    expect((await api.request("/v1/admin/journeys/nope", as(cookie, journeyPatch))).status).toBe(404);
    const [row] = await api.client.db.sql`
      select actor_id, metadata from audit_logs where action = 'studio_user.role_change' and resource_id = ${viewer.id}`;
    expect(row).toEqual({
      actor_id: admin.id,
      metadata: { email: viewer.email, from: "viewer", to: "operator" },
    });
  });

  it("refuses an admin's own role change, a non-admin's, an unknown user and a bad role", async () => {
    const admin = await userWithRole("admin");
    const operator = await userWithRole("operator");
    const patch = (cookie: string, id: string, role: unknown) =>
      api.request(`/v1/admin/users/${id}`, as(cookie, { method: "PATCH", body: { role } }));
    expect((await patch(admin.cookie, admin.id, "viewer")).status).toBe(409);
    expect((await patch(operator.cookie, admin.id, "viewer")).status).toBe(403);
    expect((await patch(admin.cookie, "nobody", "viewer")).status).toBe(404);
    const bad = await patch(admin.cookie, operator.id, "root");
    expect(bad.status).toBe(400);
    expect(await api.client.db.sql`select role from "user" where id = ${admin.id}`).toEqual([
      { role: "admin" },
    ]);
    expect(await api.client.db.sql`select role from "user" where id = ${operator.id}`).toEqual([
      { role: "operator" },
    ]);
  });
});

describe("Studio passwords", () => {
  it("lets an admin reset another user's password, ending that user's sessions", async () => {
    const admin = await userWithRole("admin");
    const viewer = await userWithRole("viewer");
    const reset = await api.request(
      `/v1/admin/users/${viewer.id}/password`,
      as(admin.cookie, { method: "POST", body: { password: "reset-password-1" } }),
    );
    expect(reset.status).toBe(204);
    expect((await api.request("/v1/admin/me", as(viewer.cookie))).status).toBe(401);
    expect((await signIn(viewer.email, viewer.password)).res.status).toBe(401);
    expect((await signIn(viewer.email, "reset-password-1")).res.status).toBe(200);
    const unknown = await api.request(
      "/v1/admin/users/nobody/password",
      as(admin.cookie, { method: "POST", body: { password: "reset-password-1" } }),
    );
    expect(unknown.status).toBe(404);
    const malformed = await api.request(
      "/v1/admin/users/%00%27/password",
      as(admin.cookie, { method: "POST", body: { password: "reset-password-1" } }),
    );
    expect(malformed.status).toBe(400);
    const [row] = await api.client.db.sql`
      select actor_id from audit_logs where action = 'studio_user.password_reset' and resource_id = ${viewer.id}`;
    expect(row?.actor_id).toBe(admin.id);
  });

  it("refuses a reset from an operator", async () => {
    const operator = await userWithRole("operator");
    const viewer = await userWithRole("viewer");
    const res = await api.request(
      `/v1/admin/users/${viewer.id}/password`,
      as(operator.cookie, { method: "POST", body: { password: "reset-password-1" } }),
    );
    expect(res.status).toBe(403);
    expect((await signIn(viewer.email, viewer.password)).res.status).toBe(200);
  });

  it("lets a user change their own password, refusing a wrong current one", async () => {
    const viewer = await userWithRole("viewer");
    const wrong = await api.request(
      "/v1/admin/me/password",
      as(viewer.cookie, {
        method: "POST",
        body: { currentPassword: "wrong-one", newPassword: "new-password-1" },
      }),
    );
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: { details: unknown } }).error.details).toEqual({
      fields: [{ field: "currentPassword", message: "is not your current password" }],
    });
    const changed = await api.request(
      "/v1/admin/me/password",
      as(viewer.cookie, {
        method: "POST",
        body: { currentPassword: viewer.password, newPassword: "new-password-1" },
      }),
    );
    expect(changed.status).toBe(204);
    // The answer carries the session that replaces the revoked ones.
    const renewed = changed.headers.get("set-cookie")?.split(";")[0] ?? "";
    expect(renewed).toMatch(/^hogsend\.session_token=/);
    expect((await api.request("/v1/admin/me", as(renewed))).status).toBe(200);
    expect((await signIn(viewer.email, viewer.password)).res.status).toBe(401);
    expect((await signIn(viewer.email, "new-password-1")).res.status).toBe(200);
    const audit = await api.client.db.sql`
      select 1 from audit_logs where action = 'studio_user.password_change' and actor_id = ${viewer.id}`;
    expect(audit).toHaveLength(1);
  });
});

describe("Studio session cookie", () => {
  it("is HttpOnly and SameSite=Lax, and not Secure over plain http", async () => {
    const viewer = await userWithRole("viewer");
    const { res } = await signIn(viewer.email, viewer.password);
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^hogsend\.session_token=/);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
    expect(cookie).not.toMatch(/;\s*Secure/i);
  });

  it("is Secure (and __Secure- prefixed) when the api is served over https", async () => {
    const client = api.newClient({ BETTER_AUTH_URL: "https://studio.example.com" });
    const email = `https-${randomUUID()}@example.com`;
    await createStudioUser(client.auth, { email, password: "a-long-password", role: "viewer" });
    const res = await client.auth.handler(
      new Request("https://studio.example.com/api/auth/sign-in/email", {
        method: "POST",
        headers: { "content-type": "application/json", "x-hogsend-client-ip": `10.14.${randomInt(256)}.1` },
        body: JSON.stringify({ email, password: "a-long-password" }),
      }),
    );
    expect(res.status).toBe(200);
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^__Secure-hogsend\.session_token=/);
    expect(cookie).toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
  });
});
