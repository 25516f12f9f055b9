import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { envShape, readEnv, resolveEmailProvider } from "./env.js";
import { renderEnvExample } from "./platform/env-example.js";

// A structurally valid Hatchet token: the engine address travels as a JWT claim.
const token = `h.${Buffer.from(JSON.stringify({ grpc_broadcast_address: "127.0.0.1:7077" })).toString("base64url")}.s`;
const minimal = {
  DATABASE_URL: "postgres://u:p@localhost:5434/db",
  BETTER_AUTH_SECRET: "dev",
  HATCHET_CLIENT_TOKEN: token,
};

/** A production env an operator filled in correctly: each test breaks one thing. */
const production: Record<string, string | undefined> = {
  ...minimal,
  NODE_ENV: "production",
  REDIS_URL: "redis://redis:6379",
  BETTER_AUTH_SECRET: "q3J9yX2vL8mN4pR7tW1zB6cF0hK5sD2gA9eU3iO7",
  RESEND_API_KEY: "re_live_key",
  EMAIL_FROM: "Acme <hello@acme.com>",
  API_PUBLIC_URL: "https://hogsend.acme.com",
};

function issueKeys(source: Record<string, string | undefined>) {
  const result = readEnv(source);
  return result.ok ? [] : result.issues.map((i) => i.key);
}

describe("env contract", () => {
  it("lists every missing required key at once", () => {
    expect(issueKeys({})).toEqual(["DATABASE_URL", "BETTER_AUTH_SECRET", "HATCHET_CLIENT_TOKEN"]);
  });

  it("applies the documented defaults", () => {
    const result = readEnv(minimal);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.env).toMatchObject({
      NODE_ENV: "development",
      PORT: 3002,
      HATCHET_CLIENT_TLS_STRATEGY: "tls",
      ENABLED_JOURNEYS: "*",
      SKIP_SCHEMA_CHECK: false,
    });
  });

  it('treats boolean flags as "true"/"false" strings, so "false" disables', () => {
    const on = readEnv({ ...minimal, SKIP_SCHEMA_CHECK: "true" });
    const off = readEnv({ ...minimal, SKIP_SCHEMA_CHECK: "false" });
    expect(on.ok && on.env.SKIP_SCHEMA_CHECK).toBe(true);
    expect(off.ok && off.env.SKIP_SCHEMA_CHECK).toBe(false);
    expect(issueKeys({ ...minimal, SKIP_SCHEMA_CHECK: "yes" })).toEqual(["SKIP_SCHEMA_CHECK"]);
  });

  it("names each malformed value with its reason", () => {
    const result = readEnv({
      ...minimal,
      DATABASE_URL: "mysql://x",
      PORT: "http",
      EMAIL_PROVIDER: "sendgrid",
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([
      { key: "PORT", reason: "must be a number" },
      { key: "DATABASE_URL", reason: "must be a postgres:// or postgresql:// URL" },
      { key: "EMAIL_PROVIDER", reason: "must be one of resend, postmark, outbox" },
    ]);
  });

  it("in production requires REDIS_URL and refuses short or placeholder secrets, with the other errors", () => {
    expect(issueKeys({ ...minimal, NODE_ENV: "production", PORT: "x" })).toEqual([
      "PORT",
      "RESEND_API_KEY",
      "EMAIL_FROM",
      "REDIS_URL",
      "API_PUBLIC_URL",
      "BETTER_AUTH_SECRET",
    ]);
    const placeholder = readEnv({
      ...production,
      BETTER_AUTH_SECRET: "change-me-change-me-change-me-change-me",
    });
    expect(placeholder.ok).toBe(false);
    if (!placeholder.ok) expect(placeholder.issues[0]?.reason).toMatch(/placeholder/);
    const good = readEnv(production);
    expect(good.ok).toBe(true);
  });

  it("in production requires API_PUBLIC_URL, and https for it and BETTER_AUTH_URL off localhost", () => {
    expect(issueKeys({ ...production, API_PUBLIC_URL: undefined })).toEqual(["API_PUBLIC_URL"]);
    expect(
      issueKeys({
        ...production,
        API_PUBLIC_URL: "http://hogsend.acme.com",
        BETTER_AUTH_URL: "http://auth.acme.com",
      }),
    ).toEqual(["API_PUBLIC_URL", "BETTER_AUTH_URL"]);
    expect(issueKeys({ ...production, API_PUBLIC_URL: "http://127.0.0.1:3002" })).toEqual([]);
  });

  it("takes TRUSTED_PROXIES as IPs and CIDR ranges, refusing anything else", () => {
    expect(issueKeys({ ...minimal, TRUSTED_PROXIES: "10.0.0.0/8, 127.0.0.1,fd00::/8,::1" })).toEqual([]);
    for (const bad of ["proxy.internal", "10.0.0.0/33", "10.0.0.1/8/1", "fd00::/129"])
      expect(issueKeys({ ...minimal, TRUSTED_PROXIES: bad }), bad).toEqual(["TRUSTED_PROXIES"]);
  });

  it("picks the outbox only outside production with no provider key, and requires the chosen provider's key", () => {
    expect(resolveEmailProvider(minimal)).toBe("outbox");
    expect(resolveEmailProvider({ ...minimal, RESEND_API_KEY: "re_x" })).toBe("resend");
    expect(resolveEmailProvider({ ...minimal, POSTMARK_SERVER_TOKEN: "pm" })).toBe("postmark");
    expect(resolveEmailProvider({ ...minimal, NODE_ENV: "production" })).toBe("resend");
    expect(issueKeys({ ...minimal, EMAIL_PROVIDER: "resend" })).toEqual(["RESEND_API_KEY"]);
    expect(issueKeys({ ...minimal, EMAIL_PROVIDER: "postmark" })).toEqual(["POSTMARK_SERVER_TOKEN"]);
    // A Postmark-only deploy needs no Resend key.
    const postmarkOnly = {
      ...production,
      RESEND_API_KEY: undefined,
      EMAIL_PROVIDER: "postmark",
      POSTMARK_SERVER_TOKEN: "pm-token",
    };
    expect(issueKeys(postmarkOnly)).toEqual([]);
    const outbox = readEnv({ ...postmarkOnly, EMAIL_PROVIDER: "outbox" });
    expect(outbox.ok ? [] : outbox.issues).toEqual([
      { key: "EMAIL_PROVIDER", reason: expect.stringMatching(/refused in production/) },
    ]);
  });

  it("refuses a token that carries no engine address unless HATCHET_CLIENT_HOST_PORT is set", () => {
    expect(issueKeys({ ...minimal, HATCHET_CLIENT_TOKEN: "not-a-jwt" })).toEqual(["HATCHET_CLIENT_TOKEN"]);
    expect(
      issueKeys({ ...minimal, HATCHET_CLIENT_TOKEN: "not-a-jwt", HATCHET_CLIENT_HOST_PORT: "hatchet:7077" }),
    ).toEqual([]);
  });

  it("requires the PostHog personal key and project id together, for person properties", () => {
    expect(issueKeys({ ...minimal, POSTHOG_PERSONAL_API_KEY: "phx_key" })).toEqual(["POSTHOG_PROJECT_ID"]);
    expect(issueKeys({ ...minimal, POSTHOG_PROJECT_ID: "4242" })).toEqual(["POSTHOG_PERSONAL_API_KEY"]);
    const result = readEnv({ ...minimal, POSTHOG_PERSONAL_API_KEY: "phx_key" });
    expect(result.ok ? [] : result.issues).toEqual([
      { key: "POSTHOG_PROJECT_ID", reason: expect.stringMatching(/required with POSTHOG_PERSONAL_API_KEY/) },
    ]);
    expect(
      issueKeys({ ...minimal, POSTHOG_PERSONAL_API_KEY: "phx_key", POSTHOG_PROJECT_ID: "4242" }),
    ).toEqual([]);
    // Capturing alone needs neither.
    expect(issueKeys({ ...minimal, POSTHOG_API_KEY: "phc_key" })).toEqual([]);
  });

  it("defaults the HTTP timeouts and the shutdown grace, and takes overrides in milliseconds", () => {
    const defaults = readEnv(minimal);
    expect(defaults.ok && defaults.env).toMatchObject({
      HTTP_REQUEST_TIMEOUT_MS: 30_000,
      HTTP_KEEP_ALIVE_TIMEOUT_MS: 72_000,
      SHUTDOWN_GRACE_MS: 25_000,
    });
    const tuned = readEnv({
      ...minimal,
      HTTP_REQUEST_TIMEOUT_MS: "10000",
      HTTP_KEEP_ALIVE_TIMEOUT_MS: "65000",
      SHUTDOWN_GRACE_MS: "8000",
    });
    expect(tuned.ok && tuned.env).toMatchObject({
      HTTP_REQUEST_TIMEOUT_MS: 10_000,
      HTTP_KEEP_ALIVE_TIMEOUT_MS: 65_000,
      SHUTDOWN_GRACE_MS: 8_000,
    });
    expect(
      issueKeys({
        ...minimal,
        HTTP_REQUEST_TIMEOUT_MS: "30s",
        HTTP_KEEP_ALIVE_TIMEOUT_MS: "0",
        SHUTDOWN_GRACE_MS: "-1",
      }),
    ).toEqual(["HTTP_REQUEST_TIMEOUT_MS", "HTTP_KEEP_ALIVE_TIMEOUT_MS", "SHUTDOWN_GRACE_MS"]);
  });

  it(".env.example matches the schema (run `pnpm env:example` after changing env.ts)", () => {
    const onDisk = readFileSync(join(import.meta.dirname, "../../../.env.example"), "utf8");
    expect(onDisk).toBe(renderEnvExample());
  });

  it(".env.example tags every variable", () => {
    const text = renderEnvExample();
    const keys = text.match(/^#? ?[A-Z][A-Z0-9_]+=/gm) ?? [];
    const tags = text.match(/^# \[(required|optional|default: [^\]]*)\]/gm) ?? [];
    expect(keys.length).toBe(Object.keys(envShape).length);
    expect(tags.length).toBe(keys.length);
    expect(text).toContain("# [required] Postgres connection URL");
    expect(text).toContain("# [default: tls]");
  });
});
