import type { ApiKeyScope } from "@hogsend/db";

/** Who is calling. Studio users and the env admin key hold every scope. */
export type Principal =
  | { kind: "user"; userId: string; email: string }
  | { kind: "api_key"; keyId: string; scopes: ApiKeyScope[] }
  | { kind: "admin_key" };

/** What a route needs: reading admin data, changing it, ingesting events, or sending email. */
export type Access = "read" | "write" | "ingest" | "send";

const SATISFIES: Record<Access, ApiKeyScope[]> = {
  read: ["read", "full-admin"],
  write: ["full-admin"],
  ingest: ["ingest", "full-admin"],
  send: ["send", "full-admin"],
};

export function principalAllows(principal: Principal, access: Access): boolean {
  if (principal.kind !== "api_key") return true;
  return principal.scopes.some((scope) => SATISFIES[access].includes(scope));
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
