import { secretsEqual } from "@hogsend/access";
import { AppError } from "@hogsend/core";
import { STUDIO_ROLES, type StudioRole, touchApiKey } from "@hogsend/db";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/types.js";
import type { HogsendClient } from "../platform/client.js";

/**
 * Resolves the caller: a Bearer token (ADMIN_API_KEY or an `hsk_` key), else a Studio session
 * cookie. A presented but bad token is a 401 at once; no credentials leave the principal
 * unset for `requireAccess` to answer.
 */
export function authenticate(client: HogsendClient): MiddlewareHandler<AppEnv> {
  const adminKey = client.env.ADMIN_API_KEY;
  return async (c, next) => {
    const header = c.req.header("authorization");
    if (header !== undefined) {
      const token = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
      if (!token) throw new AppError("UNAUTHORIZED", "Authorization header must be `Bearer <API key>`");
      if (adminKey && secretsEqual(token, adminKey)) {
        c.set("principal", { kind: "admin_key" });
      } else {
        const check = await client.apiKeys.verify(token);
        // One answer for unknown, revoked and expired keys: which one it was is not the caller's business.
        if (!check.ok) throw new AppError("UNAUTHORIZED", "API key is invalid, revoked or expired");
        c.set("principal", { kind: "api_key", keyId: check.key.id, scopes: check.key.scopes });
        if (client.apiKeys.touchDue(check.key.id))
          touchApiKey(client.db.db, check.key.id).catch((err: Error) =>
            client.logger.warn("could not record API key use", { keyId: check.key.id, error: err.message }),
          );
      }
    } else {
      const session = await client.auth.api.getSession({ headers: c.req.raw.headers });
      if (session)
        c.set("principal", {
          kind: "user",
          userId: session.user.id,
          email: session.user.email,
          role: studioRole(session.user.role),
        });
    }
    await next();
  };
}

/** The stored role, or the least one when the row holds something unknown (fail closed). */
function studioRole(value: unknown): StudioRole {
  return STUDIO_ROLES.includes(value as StudioRole) ? (value as StudioRole) : "viewer";
}
