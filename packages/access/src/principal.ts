import type { ApiKeyScope, StudioRole } from "@hogsend/db";

/** Who is calling. Studio users act within their role; the env admin key holds every scope. */
export type Principal =
  | { kind: "user"; userId: string; email: string; role: StudioRole }
  | { kind: "api_key"; keyId: string; scopes: ApiKeyScope[] }
  | { kind: "admin_key" };

/**
 * What a route needs: reading admin data, changing it, ingesting events, sending email, seeing
 * API keys and Studio users (`manage:read`), or creating and revoking them (`manage`).
 */
export type Access = "read" | "write" | "ingest" | "send" | "manage:read" | "manage";

const SATISFIES: Record<Access, ApiKeyScope[]> = {
  read: ["read", "full-admin"],
  write: ["full-admin"],
  ingest: ["ingest", "full-admin"],
  send: ["send", "full-admin"],
  // A `read` key listed key metadata before roles existed; it keeps doing so.
  "manage:read": ["read", "full-admin"],
  manage: ["full-admin"],
};

/** What each Studio role grants. Keys and users (`manage*`) are for admins only, reading included. */
const ROLE_GRANTS: Record<StudioRole, readonly Access[]> = {
  viewer: ["read"],
  operator: ["read", "write", "ingest", "send"],
  admin: ["read", "write", "ingest", "send", "manage:read", "manage"],
};

export function principalAllows(principal: Principal, access: Access): boolean {
  switch (principal.kind) {
    case "admin_key":
      return true;
    case "user":
      return ROLE_GRANTS[principal.role].includes(access);
    case "api_key":
      return principal.scopes.some((scope) => SATISFIES[access].includes(scope));
  }
}

/** The Studio roles that may do `access`, for 403 details. */
export function rolesAllowed(access: Access): StudioRole[] {
  return (Object.keys(ROLE_GRANTS) as StudioRole[]).filter((role) => ROLE_GRANTS[role].includes(access));
}

/** Stable identity for rate limits and audit rows. */
export function principalKey(principal: Principal): string {
  switch (principal.kind) {
    case "user":
      return `user:${principal.userId}`;
    case "api_key":
      return `key:${principal.keyId}`;
    case "admin_key":
      return "admin-key";
  }
}

export function requiredScopes(access: Access): ApiKeyScope[] {
  return SATISFIES[access];
}
