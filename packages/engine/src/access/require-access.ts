import { type Access, principalAllows, principalKey, requiredScopes, rolesAllowed } from "@hogsend/access";
import { AppError } from "@hogsend/core";
import type { Context, MiddlewareHandler } from "hono";
import { clientIp } from "../http/client-ip.js";
import type { AppEnv } from "../http/types.js";
import type { Logger } from "../platform/logger.js";
import type { RateLimiter } from "../platform/rate-limit.js";

/**
 * Guards a route: 401 without credentials, 403 when the credentials' scopes are too small.
 * Runs after `authenticate`, which sets the principal.
 */
export function requireAccess(access: Access): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = c.get("principal");
    if (!principal) {
      throw new AppError(
        "UNAUTHORIZED",
        "Authentication required: sign in to Studio or send Authorization: Bearer <API key>",
      );
    }
    if (!principalAllows(principal, access)) {
      if (principal.kind === "user") {
        const roles = rolesAllowed(access);
        throw new AppError(
          "FORBIDDEN",
          `Your Studio role (${principal.role}) cannot do this; it needs ${roles.join(" or ")}`,
          { details: { requiredRoleOneOf: roles, role: principal.role } },
        );
      }
      throw new AppError("FORBIDDEN", `This API key lacks the scope for this route`, {
        details: {
          requiredOneOf: requiredScopes(access),
          granted: principal.kind === "api_key" ? principal.scopes : [],
        },
      });
    }
    await next();
  };
}

/**
 * A sliding-window limit per principal (key id, user id), else per IP. Sets the
 * X-RateLimit-* headers on every answer and 429s with Retry-After when exceeded.
 */
export function rateLimit(
  limiter: RateLimiter,
  logger: Logger,
  options: { bucket: string; limit: number; windowMs: number },
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = c.get("principal");
    const who = principal ? principalKey(principal) : `ip:${clientIp(c)}`;
    let result: Awaited<ReturnType<RateLimiter["hit"]>>;
    try {
      result = await limiter.hit(`${options.bucket}:${who}`, options.limit, options.windowMs);
    } catch (err) {
      // Redis down: serve unlimited rather than fail every admin call; health shows the outage.
      logger.warn("rate limiter unavailable; request not counted", { error: (err as Error).message });
      await next();
      return;
    }
    c.header("X-RateLimit-Limit", String(result.limit));
    c.header("X-RateLimit-Remaining", String(result.remaining));
    if (!result.allowed) {
      c.header("Retry-After", String(result.retryAfterSeconds));
      throw new AppError(
        "RATE_LIMITED",
        `Rate limit of ${result.limit} requests a minute exceeded; retry in ${result.retryAfterSeconds}s`,
        {
          retryable: true,
        },
      );
    }
    await next();
  };
}

/** The principal of a route behind `requireAccess`: who to write into the audit log. */
export function principalOf(c: Context<AppEnv>) {
  const principal = c.get("principal");
  if (!principal) throw new AppError("UNAUTHORIZED", "Authentication required");
  return principal;
}
