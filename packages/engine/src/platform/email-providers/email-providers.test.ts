import { describe, expect, it } from "vitest";
import { readEnv } from "../../env.js";
import { resolveEmailRateLimit } from "./email-providers.js";

const token = `h.${Buffer.from(JSON.stringify({ grpc_broadcast_address: "127.0.0.1:7077" })).toString("base64url")}.s`;
const minimal = {
  DATABASE_URL: "postgres://u:p@localhost:5434/db",
  BETTER_AUTH_SECRET: "dev",
  HATCHET_CLIENT_TOKEN: token,
};

function rateLimitOf(source: Record<string, string>) {
  const result = readEnv({ ...minimal, ...source });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return resolveEmailRateLimit(result.env);
}

describe("resolveEmailRateLimit", () => {
  it("defaults to the selected provider's published limit", () => {
    expect(rateLimitOf({ RESEND_API_KEY: "re_x" })).toEqual({ requestsPerSecond: 5, burst: 1 });
    expect(rateLimitOf({ EMAIL_PROVIDER: "postmark", POSTMARK_SERVER_TOKEN: "pm" })).toEqual({
      requestsPerSecond: 10,
      burst: 10,
    });
    expect(rateLimitOf({})).toBeUndefined();
  });

  it("takes EMAIL_RATE_PER_SECOND and EMAIL_RATE_BURST, each falling back on its own", () => {
    expect(rateLimitOf({ RESEND_API_KEY: "re_x", EMAIL_RATE_PER_SECOND: "2.5" })).toEqual({
      requestsPerSecond: 2.5,
      burst: 1,
    });
    expect(
      rateLimitOf({ RESEND_API_KEY: "re_x", EMAIL_RATE_PER_SECOND: "10", EMAIL_RATE_BURST: "4" }),
    ).toEqual({ requestsPerSecond: 10, burst: 4 });
  });

  it("lists invalid rate settings together with every other invalid key", () => {
    const result = readEnv({
      ...minimal,
      PORT: "http",
      EMAIL_RATE_PER_SECOND: "0",
      EMAIL_RATE_BURST: "1.5",
    });
    expect(!result.ok && result.issues).toEqual([
      { key: "PORT", reason: "must be a number" },
      { key: "EMAIL_RATE_PER_SECOND", reason: "must be above 0" },
      { key: "EMAIL_RATE_BURST", reason: "must be a whole number" },
    ]);
    const words = readEnv({ ...minimal, EMAIL_RATE_PER_SECOND: "fast", EMAIL_RATE_BURST: "0" });
    expect(!words.ok && words.issues).toEqual([
      { key: "EMAIL_RATE_PER_SECOND", reason: "must be a number" },
      { key: "EMAIL_RATE_BURST", reason: "must be at least 1" },
    ]);
  });
});
