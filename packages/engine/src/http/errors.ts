import { AppError, ERROR_STATUS, type ErrorCode } from "@hogsend/core";
import { z } from "@hono/zod-openapi";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Logger } from "../platform/logger.js";
import type { AppEnv } from "./types.js";

/** The one error body every route answers with. */
export const ErrorEnvelopeSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "VALIDATION_FAILED" }),
      message: z.string(),
      details: z.unknown().optional(),
      requestId: z.string(),
    }),
  })
  .openapi("Error");

export function errorBody(c: Context<AppEnv>, code: ErrorCode, message: string, details?: unknown) {
  return {
    error: {
      code,
      message,
      ...(details === undefined ? {} : { details }),
      requestId: c.get("requestId") ?? "unknown",
    },
  };
}

export function errorResponse(c: Context<AppEnv>, code: ErrorCode, message: string, details?: unknown) {
  return c.json(errorBody(c, code, message, details), ERROR_STATUS[code] as ContentfulStatusCode);
}

/** zod issues → a 400 that names every failing field. */
export function validationFailed(c: Context<AppEnv>, error: z.ZodError, target: string) {
  const fields = error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join(".") : target,
    message: issue.message,
  }));
  const names = [...new Set(fields.map((f) => f.field))].join(", ");
  return errorResponse(c, "VALIDATION_FAILED", `Invalid ${target}: ${names}`, { fields });
}

/**
 * A Postgres error a client's value caused: class 22 (data exception: a character or a date the
 * column cannot hold, a number out of range) or a value nested past the server's stack depth.
 * Validation should have refused it first; this keeps a gap there a 400, not a 500.
 */
function clientDataError(err: unknown): { sqlstate: string; message: string } | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (code.startsWith("22") || code === "54001"))
      return { sqlstate: code, message: (e as Error).message };
  }
  return undefined;
}

/** Errors meaning the database cannot be reached, is going away or cannot answer in time (socket, postgres.js, SQLSTATE). */
const DATABASE_DOWN = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up, recovering)
  "53300", // too_many_connections
  // query_canceled: a statement ran past DATABASE_STATEMENT_TIMEOUT_MS (a held lock, an
  // overloaded server). Not the client's fault, and a retry may well pass: 503, not 500.
  "57014",
]);

/** Which dependency an error says is unreachable: Postgres (or a socket), or Redis (ioredis's own errors). */
function dependencyDown(err: unknown): "database" | "redis" | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, name, message } = e as { code?: unknown; name?: unknown; message?: unknown };
    // ioredis gives up on a command with these while Redis is away (maxRetriesPerRequest, offline queue off).
    if (name === "MaxRetriesPerRequestError" || message === "Connection is closed.") return "redis";
    if (typeof code === "string" && DATABASE_DOWN.has(code)) return "database";
  }
  return undefined;
}

/** Seconds a client should wait before retrying while the database is unreachable. */
export const DATABASE_DOWN_RETRY_AFTER_S = 5;

/** The single place errors become HTTP: AppErrors by code, anything else a logged 500. */
export function createErrorHandler(logger: Logger): ErrorHandler<AppEnv> {
  return (err, c) => {
    if (err instanceof AppError) return errorResponse(c, err.code, err.message, err.details);
    if (err instanceof HTTPException) {
      const code = Object.entries(ERROR_STATUS).find(([, s]) => s === err.status)?.[0] as
        | ErrorCode
        | undefined;
      if (code) return errorResponse(c, code, err.message || code);
      if (err.status < 500) return c.json(errorBody(c, "VALIDATION_FAILED", err.message), err.status);
    }
    const down = dependencyDown(err);
    if (down) {
      logger.warn(
        `${down === "redis" ? "Redis" : "the database"} is unreachable or too slow: answering 503`,
        {
          requestId: c.get("requestId"),
          path: c.req.path,
          error: err instanceof Error ? err.message : String(err),
        },
      );
      c.header("Retry-After", String(DATABASE_DOWN_RETRY_AFTER_S));
      return errorResponse(
        c,
        "DEPENDENCY_UNAVAILABLE",
        down === "redis"
          ? "Redis is unreachable; retry shortly"
          : "The database is unreachable or did not answer in time; retry shortly",
      );
    }
    const data = clientDataError(err);
    if (data) {
      logger.warn("a request's value was refused by Postgres", {
        requestId: c.get("requestId"),
        path: c.req.path,
        sqlstate: data.sqlstate,
      });
      return errorResponse(
        c,
        "VALIDATION_FAILED",
        `A value in the request cannot be stored: ${data.message}`,
      );
    }
    logger.error("unhandled error", {
      requestId: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      error: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
    return errorResponse(c, "INTERNAL", "Internal server error");
  };
}

export const notFoundHandler: NotFoundHandler<AppEnv> = (c) =>
  errorResponse(c, "NOT_FOUND", `No route for ${c.req.method} ${c.req.path}`);

const ERROR_DESCRIPTIONS = {
  400: "Invalid request: the failing fields are named in details.fields",
  401: "Missing, invalid, revoked or expired credentials",
  403: "Credentials valid, but their scope is too small",
  404: "Not found",
  409: "Conflicts with the resource's state: the message says which",
  413: "Body too large",
  429: "Rate limited: see Retry-After",
} as const;

/** OpenAPI declarations of the error envelope for the given statuses. */
export function errorResponses<S extends keyof typeof ERROR_DESCRIPTIONS>(...statuses: S[]) {
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      {
        description: ERROR_DESCRIPTIONS[s],
        content: { "application/json": { schema: ErrorEnvelopeSchema } },
      },
    ]),
  ) as unknown as {
    [K in S]: {
      description: string;
      content: { "application/json": { schema: typeof ErrorEnvelopeSchema } };
    };
  };
}
