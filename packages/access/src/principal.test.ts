import type { StudioRole } from "@hogsend/db";
import { describe, expect, it } from "vitest";
import { type Access, principalAllows, rolesAllowed } from "./principal.js";

const ACCESS: Access[] = ["read", "write", "ingest", "send", "manage:read", "manage"];
const user = (role: StudioRole) => ({ kind: "user" as const, userId: "u", email: "u@example.com", role });
const allowed = (role: StudioRole) => ACCESS.filter((a) => principalAllows(user(role), a));

describe("Studio roles", () => {
  it("grant viewers reading only, operators acting too, admins everything", () => {
    expect(allowed("viewer")).toEqual(["read"]);
    expect(allowed("operator")).toEqual(["read", "write", "ingest", "send"]);
    expect(allowed("admin")).toEqual(ACCESS);
  });

  it("name the roles a refused access needs", () => {
    expect(rolesAllowed("manage:read")).toEqual(["admin"]);
    expect(rolesAllowed("write")).toEqual(["operator", "admin"]);
  });

  it("leave API keys on their scopes: read lists keys but manages nothing", () => {
    const key = { kind: "api_key" as const, keyId: "k", scopes: ["read" as const] };
    expect(principalAllows(key, "manage:read")).toBe(true);
    expect(principalAllows(key, "manage")).toBe(false);
    expect(principalAllows({ kind: "admin_key" }, "manage")).toBe(true);
  });
});
