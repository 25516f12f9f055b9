import type { MiddlewareHandler } from "hono";
import { errorResponse } from "./errors.js";
import type { AppEnv } from "./types.js";

/** Deeper than any event or template props need; Postgres's jsonb and zod recurse on it. */
export const MAX_JSON_DEPTH = 32;
/** Longest array anywhere in a body. */
export const MAX_JSON_ARRAY = 1_000;

/** NUL (Postgres text cannot hold it) or half of a surrogate pair (not Unicode; jsonb refuses it). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Where `value` breaks a limit, as a field path and a reason; undefined when it is storable. */
export function findUnstorable(value: unknown): { field: string; message: string } | undefined {
  const stack: { value: unknown; path: string[]; depth: number }[] = [{ value, path: [], depth: 0 }];
  while (stack.length > 0) {
    const { value: v, path, depth } = stack.pop() as (typeof stack)[number];
    const field = path.join(".") || "body";
    if (typeof v === "string") {
      if (UNSTORABLE.test(v)) return { field, message: "contains a NUL character or a lone surrogate" };
      continue;
    }
    if (v === null || typeof v !== "object") continue;
    if (depth >= MAX_JSON_DEPTH) return { field, message: `nests deeper than ${MAX_JSON_DEPTH} levels` };
    if (Array.isArray(v)) {
      if (v.length > MAX_JSON_ARRAY) return { field, message: `has more than ${MAX_JSON_ARRAY} items` };
      v.forEach((item, i) => {
        stack.push({ value: item, path: [...path, String(i)], depth: depth + 1 });
      });
      continue;
    }
    for (const [key, item] of Object.entries(v)) {
      if (UNSTORABLE.test(key))
        return {
          field: [...path, key].join("."),
          message: "key contains a NUL character or a lone surrogate",
        };
      stack.push({ value: item, path: [...path, key], depth: depth + 1 });
    }
  }
  return undefined;
}

/**
 * For bodies that claim JSON: refuses, with a 400 naming the field, what Postgres could not store
 * or what nests past MAX_JSON_DEPTH, before a route validates or writes anything. Malformed JSON
 * is left to the validator's own 400.
 */
export function guardJsonBody(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const type = c.req.header("content-type") ?? "";
    if (!/^application\/(.+\+)?json/i.test(type) || c.req.method === "GET") return next();
    let body: unknown;
    try {
      // As text first: Hono caches it, so a signed webhook still verifies the raw bytes, and the
      // route's json() parses from the cache.
      body = JSON.parse(await c.req.text());
    } catch {
      return next();
    }
    const problem = findUnstorable(body);
    if (problem)
      return errorResponse(c, "VALIDATION_FAILED", `Invalid json: ${problem.field} ${problem.message}`, {
        fields: [problem],
      });
    return next();
  };
}
