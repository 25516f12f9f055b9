import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { errorResponse } from "./errors.js";
import { guardJsonBody } from "./json-guard.js";
import type { AppEnv } from "./types.js";

export const INGEST_BODY_LIMIT_BYTES = 256 * 1024;

/**
 * 413 in the error envelope once a body passes `maxBytes`, before anything parses it; then, for
 * a JSON body, `guardJsonBody` (400 for what Postgres cannot store or nesting past its limit).
 */
export function limitBody(maxBytes = INGEST_BODY_LIMIT_BYTES): MiddlewareHandler<AppEnv> {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: (c) => errorResponse(c, "PAYLOAD_TOO_LARGE", `Body exceeds ${Math.round(maxBytes / 1024)} KB`),
  });
  const guard = guardJsonBody();
  return (c, next) => {
    // Once per request: a second limit would wrap a body the first already read.
    if (c.get("bodyLimited")) return next();
    c.set("bodyLimited", true);
    return limit(c, async () => {
      // The guard answers (a 400) instead of calling next: that answer is the response.
      const refused = await guard(c, next);
      if (refused instanceof Response) c.res = refused;
    });
  };
}
