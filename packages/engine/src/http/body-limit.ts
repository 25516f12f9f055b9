import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { errorResponse } from "./errors.js";
import type { AppEnv } from "./types.js";

export const INGEST_BODY_LIMIT_BYTES = 256 * 1024;

/** 413 in the error envelope once a body passes `maxBytes`, before anything parses it. */
export function limitBody(maxBytes = INGEST_BODY_LIMIT_BYTES): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) => errorResponse(c, "PAYLOAD_TOO_LARGE", `Body exceeds ${Math.round(maxBytes / 1024)} KB`),
  });
}
