import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { describe, expect, it } from "vitest";
import { createLogger } from "../platform/logger.js";
import { createErrorHandler } from "./errors.js";
import type { AppEnv } from "./types.js";

function appThrowing(error: unknown) {
  const lines: string[] = [];
  const app = new Hono<AppEnv>();
  app.use("*", requestId());
  app.onError(createErrorHandler(createLogger({ level: "debug", json: true, write: (l) => lines.push(l) })));
  app.get("/", () => {
    throw error;
  });
  return { app, lines };
}

describe("the error handler", () => {
  it("answers a value Postgres refused (SQLSTATE class 22, stack depth) with 400, also when wrapped", async () => {
    const dataError = Object.assign(new Error('invalid input syntax for type uuid: "x"'), { code: "22P02" });
    for (const error of [dataError, new Error("query failed", { cause: dataError })]) {
      const res = await appThrowing(error).app.request("/");
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("VALIDATION_FAILED");
    }
    expect(
      (await appThrowing(Object.assign(new Error("deep"), { code: "54001" })).app.request("/")).status,
    ).toBe(400);
  });

  it("answers an unreachable database with 503 and Retry-After, also when wrapped", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    for (const error of [refused, new Error("Failed query", { cause: refused })]) {
      const res = await appThrowing(error).app.request("/");
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("DEPENDENCY_UNAVAILABLE");
    }
  });

  it("keeps anything else a logged 500, and a client HTTPException its own status", async () => {
    const unique = appThrowing(Object.assign(new Error("duplicate key"), { code: "23505" }));
    expect((await unique.app.request("/")).status).toBe(500);
    expect(unique.lines.join("")).toContain("unhandled error");
    const unsupported = await appThrowing(
      new HTTPException(415, { message: "Unsupported Media Type" }),
    ).app.request("/");
    expect(unsupported.status).toBe(415);
    expect(((await unsupported.json()) as { error: { code: string } }).error.code).toBe(
      "UNSUPPORTED_MEDIA_TYPE",
    );
    expect((await appThrowing(new HTTPException(405)).app.request("/")).status).toBe(405);
  });
});
