import { isIP } from "node:net";
import {
  type EnvIssue,
  type EnvResult,
  formatEnvIssues,
  hostPortFromHatchetToken,
  parseEnv,
} from "@hogsend/core";
import { databaseEnvShape } from "@hogsend/db/env";
import { z } from "zod";

/** `"true"|"false"` strings, so an explicit "false" disables. */
const flag = (fallback: boolean) =>
  z
    .enum(["true", "false"], { message: 'must be "true" or "false"' })
    .default(fallback ? "true" : "false")
    .transform((v) => v === "true");

export const EMAIL_PROVIDER_IDS = ["resend", "postmark", "outbox"] as const;
export type EmailProviderId = (typeof EMAIL_PROVIDER_IDS)[number];

const url = (what: string) => z.url({ message: `must be a URL (${what})` });
const optionalSecret = (what: string) => z.string().min(1).optional().describe(what);

/**
 * The env contract, grouped into sections for `.env.example`. Every run mode parses it once;
 * `pnpm env:example` renders it. Only env.ts files read process.env.
 */
export const envSections = {
  Runtime: {
    NODE_ENV: z
      .enum(["development", "test", "production"])
      .default("development")
      .describe("Run mode of Node and Hogsend"),
    PORT: z.coerce
      .number({ message: "must be a number" })
      .int()
      .min(1)
      .max(65535)
      .default(3002)
      .describe("HTTP port of the api run mode"),
    HTTP_REQUEST_TIMEOUT_MS: z.coerce
      .number({ message: "must be a number" })
      .int()
      .positive()
      .default(30_000)
      .describe(
        "Longest a client may take to send one whole request (headers and body); slower ones get 408",
      ),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce
      .number({ message: "must be a number" })
      .int()
      .positive()
      .default(72_000)
      .describe(
        "Idle keep-alive connections close after this; keep it above the load balancer's idle timeout (60 s on most)",
      ),
    SHUTDOWN_GRACE_MS: z.coerce
      .number({ message: "must be a number" })
      .int()
      .positive()
      .default(25_000)
      .describe(
        "On SIGTERM the api drains in-flight requests and the worker lets running steps finish for this long, " +
          "then closes pools (up to 5 s more): keep it 5 s under the orchestrator's kill timeout",
      ),
    LOG_LEVEL: z
      .enum(["debug", "info", "warn", "error"])
      .default("info")
      .describe("Minimum level of log lines"),
    API_PUBLIC_URL: url("public base URL of the api")
      .optional()
      .describe("Public base URL of the api, used in links in emails (default http://localhost:PORT)"),
    HEALTH_PROBE_TIMEOUT_MS: z.coerce
      .number({ message: "must be a number" })
      .int()
      .positive()
      .default(1_000)
      .describe("Deadline for each dependency probe of /v1/health"),
    HEALTH_CACHE_MS: z.coerce
      .number({ message: "must be a number" })
      .int()
      .min(0)
      .default(1_000)
      .describe("/v1/health probes at most once per this interval; requests in between share the answer"),
  },
  Database: databaseEnvShape,
  Redis: {
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
      .optional()
      .describe("Redis for sessions, rate limits, caches and the worker heartbeat. Required in production"),
  },
  Auth: {
    BETTER_AUTH_SECRET: z
      .string({ message: "is required (generate one with `pnpm gen:secret`)" })
      .min(1)
      .describe("Signs sessions and unsubscribe tokens; 32+ random characters (`pnpm gen:secret`)"),
    BETTER_AUTH_URL: url("base URL of the auth routes")
      .optional()
      .describe("Public base URL Better Auth is served from (default API_PUBLIC_URL)"),
    BETTER_AUTH_TRUSTED_ORIGINS: z
      .string()
      .optional()
      .describe("Comma-separated origins allowed to call the auth routes from a browser (the Studio's)"),
    STUDIO_ADMIN_EMAIL: z
      .email({ message: "must be an email address" })
      .optional()
      .describe("First Studio admin, minted on boot into an empty user table"),
    STUDIO_ADMIN_PASSWORD: z
      .string()
      .min(8, "must be at least 8 characters")
      .optional()
      .describe(
        "Password for STUDIO_ADMIN_EMAIL (generated and shown once when unset, see HOGSEND_SECRETS_FILE)",
      ),
    ADMIN_API_KEY: z
      .string()
      .min(32, "must be at least 32 characters")
      .optional()
      .describe("A full-admin API key for automation; compared in constant time"),
  },
  Hatchet: {
    HATCHET_CLIENT_TOKEN: z
      .string({ message: "is required (`pnpm infra up` prints one for local dev)" })
      .min(1)
      .describe("API token of the Hatchet tenant"),
    HATCHET_CLIENT_HOST_PORT: z
      .string()
      .regex(/^[^:\s]+:\d+$/, "must be host:port")
      .optional()
      .describe("gRPC address of the engine (default: the address inside the token)"),
    HATCHET_CLIENT_TLS_STRATEGY: z
      .enum(["tls", "mtls", "none"])
      .default("tls")
      .describe("gRPC TLS; `none` for hatchet-lite and devstack"),
    HATCHET_CLIENT_GRPC_COMPRESSION: z
      .enum(["gzip", "none"])
      .default("none")
      .describe(
        "gzip the engine's gRPC traffic; `none` suits an engine on the same host or private network (gzip cost the worker a fifth of its CPU there)",
      ),
    HATCHET_CLIENT_NAMESPACE: z
      .string()
      .optional()
      .describe("Prefix for task and event names: isolates tenants on a shared engine"),
    ENABLED_JOURNEYS: z
      .string()
      .default("*")
      .describe("Journeys the worker registers: `*` or comma-separated ids"),
    WORKER_SLOTS: z.coerce
      .number({ message: "must be a number" })
      .int()
      .positive()
      .default(50)
      .describe("Concurrent task runs per worker process"),
    JOURNEY_EVICT_AFTER: z
      .string()
      .regex(/^\d+[smh]$/, "must be a duration in seconds, minutes or hours, e.g. 30s, 5m, 1h")
      .default("10s")
      .describe(
        "How long a journey run waits (sleep, waitForEvent) in the worker's memory before Hatchet evicts it; it replays when it wakes",
      ),
  },
  Email: {
    EMAIL_PROVIDER: z
      .enum(EMAIL_PROVIDER_IDS, { message: `must be one of ${EMAIL_PROVIDER_IDS.join(", ")}` })
      .optional()
      .describe(
        "Email provider: resend, postmark, or outbox (dev only: keeps mail in the database). " +
          "Default: resend, or outbox outside production when no provider key is set",
      ),
    EMAIL_FROM: z
      .string()
      .min(3)
      .optional()
      .describe('Sender of every email, e.g. "Acme <hello@acme.com>". Required in production'),
    EMAIL_REPLY_TO: z.email({ message: "must be an email address" }).optional().describe("Reply-To address"),
    EMAIL_POSTAL_ADDRESS: z
      .string()
      .optional()
      .describe("Postal address in the footer of marketing email (CAN-SPAM)"),
    EMAIL_TRACK_OPENS: flag(true).describe("Add an open pixel to non-system email"),
    EMAIL_TRACK_CLICKS: flag(true).describe("Rewrite links in non-system email through /v1/t/c/:id"),
    EMAIL_BOUNCE_SUPPRESS_THRESHOLD: z.coerce
      .number({ message: "must be a number" })
      .int()
      .positive()
      .default(3)
      .describe("Permanent bounces after which a contact is suppressed"),
    EMAIL_LINK_HOSTS: z
      .string()
      .optional()
      .describe(
        "Hosts (and their subdomains) POST /v1/emails props may link to, comma-separated; API_PUBLIC_URL's host is always allowed. Unset: any",
      ),
    EMAIL_FREQUENCY_CAP_PER_DAY: z.coerce
      .number({ message: "must be a number" })
      .int()
      .positive()
      .optional()
      .describe("Most non-transactional emails one contact gets in 24 h (unset: no cap)"),
    EMAIL_SEND_RATE_LIMIT_PER_MINUTE: z.coerce
      .number({ message: "must be a number" })
      .int()
      .positive()
      .default(30)
      .describe("POST /v1/emails requests a minute per API key"),
    EMAIL_RATE_PER_SECOND: z.coerce
      .number({ message: "must be a number" })
      .positive("must be above 0")
      .max(10_000, "must be at most 10000")
      .optional()
      .describe(
        "Provider requests per second from one worker process; a batch request (up to 100 emails on Resend, " +
          "500 on Postmark) counts once. Default: the provider's published limit (Resend 5, Postmark 10). " +
          "With several worker replicas, divide the account's limit between them",
      ),
    EMAIL_RATE_BURST: z.coerce
      .number({ message: "must be a number" })
      .int("must be a whole number")
      .positive("must be at least 1")
      .optional()
      .describe(
        "Provider requests that may start back to back after a quiet spell. Default: the provider's (Resend 1, Postmark 10)",
      ),
    RESEND_API_KEY: optionalSecret("Resend API key (required when the provider is resend)"),
    RESEND_WEBHOOK_SECRET: optionalSecret("Svix signing secret of the Resend webhook (whsec_…)"),
    RESEND_BASE_URL: url("Resend API base URL").optional().describe("Resend API base URL (proxies, tests)"),
    POSTMARK_SERVER_TOKEN: optionalSecret("Postmark server token (required when the provider is postmark)"),
    POSTMARK_MESSAGE_STREAM: z.string().min(1).default("outbound").describe("Postmark message stream"),
    POSTMARK_WEBHOOK_USER: optionalSecret("HTTP Basic user embedded in the Postmark webhook URL"),
    POSTMARK_WEBHOOK_PASS: optionalSecret("HTTP Basic password embedded in the Postmark webhook URL"),
    POSTMARK_BASE_URL: url("Postmark API base URL")
      .optional()
      .describe("Postmark API base URL (proxies, tests)"),
  },
  PostHog: {
    POSTHOG_API_KEY: optionalSecret("Project API key for capturing email and journey events"),
    POSTHOG_HOST: url("PostHog host").default("https://us.i.posthog.com").describe("PostHog host"),
    POSTHOG_PERSONAL_API_KEY: optionalSecret(
      "Personal API key to read person properties for journey conditions",
    ),
    POSTHOG_PROJECT_ID: z.string().optional().describe("Project id the person properties are read from"),
    POSTHOG_WEBHOOK_SECRET: optionalSecret("Shared secret PostHog sends in x-posthog-webhook-secret"),
  },
  Operations: {
    SKIP_SCHEMA_CHECK: flag(false).describe(
      "Let the api boot with the engine schema behind (logs a warning)",
    ),
    TRUSTED_PROXIES: z
      .string()
      .optional()
      .refine((list) => invalidProxyEntries(list).length === 0, {
        message: "must be comma-separated IP addresses or CIDR ranges, e.g. 10.0.0.0/8,127.0.0.1",
      })
      .describe(
        "Proxies whose X-Forwarded-For / X-Real-IP are believed (IPs or CIDRs). Unset: none, the socket address is the client",
      ),
    HOGSEND_BOOTSTRAP_API_KEY: flag(true).describe(
      "On boot with no API keys at all, mint one ingest key and show it once (see HOGSEND_SECRETS_FILE)",
    ),
    HOGSEND_SECRETS_FILE: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Where a generated first-admin password or bootstrap key is written (mode 0600) when stderr is not a terminal; never to the logs. Default: hogsend-first-boot-secrets in the temp dir",
      ),
    API_KEY_CACHE_TTL_MS: z.coerce
      .number({ message: "must be a number" })
      .int()
      .min(0)
      .max(
        300_000,
        "must be at most 300000 (5 minutes): it bounds how long a revoke takes to reach every replica",
      )
      .default(30_000)
      .describe(
        "How long a replica trusts a verified API key without asking the database (0: always ask); a revoke is immediate on the replica that served it, and reaches the others within this",
      ),
    ADMIN_RATE_LIMIT_PER_MINUTE: z.coerce
      .number({ message: "must be a number" })
      .int()
      .positive()
      .default(600)
      .describe("Requests a minute per API key, user or IP on admin routes (a Studio page makes several)"),
  },
};

export const envShape = Object.assign({}, ...Object.values(envSections)) as UnionToShape<
  (typeof envSections)[keyof typeof envSections]
>;

type UnionToShape<U> = (U extends unknown ? (k: U) => void : never) extends (k: infer I) => void ? I : never;

const PLACEHOLDER = /change[-_ ]?me|placeholder|your[-_ ]?secret|^secret$|^x+$|example/i;

export const envSchema = z.object(envShape);

/**
 * Rules across variables, checked on the raw values next to the schema (not as a refinement)
 * so they are reported together with every other invalid key.
 */
function crossFieldIssues(source: Record<string, string | undefined>): EnvIssue[] {
  const issues: EnvIssue[] = [];
  if (source.HATCHET_CLIENT_TOKEN && !source.HATCHET_CLIENT_HOST_PORT) {
    try {
      hostPortFromHatchetToken(source.HATCHET_CLIENT_TOKEN);
    } catch {
      issues.push({
        key: "HATCHET_CLIENT_TOKEN",
        reason:
          "carries no engine address (not a Hatchet token?); set HATCHET_CLIENT_HOST_PORT or use a token from the engine",
      });
    }
  }
  // An invalid EMAIL_PROVIDER is reported by the schema; its key rules would only add noise.
  const explicit = source.EMAIL_PROVIDER;
  const provider =
    explicit && !(EMAIL_PROVIDER_IDS as readonly string[]).includes(explicit)
      ? null
      : resolveEmailProvider(source);
  if (provider === "resend" && !source.RESEND_API_KEY)
    issues.push({
      key: "RESEND_API_KEY",
      reason: "is required when the email provider is resend (or set EMAIL_PROVIDER=postmark)",
    });
  if (provider === "postmark" && !source.POSTMARK_SERVER_TOKEN)
    issues.push({ key: "POSTMARK_SERVER_TOKEN", reason: "is required when EMAIL_PROVIDER=postmark" });
  // Person properties come from one project through a personal key: either alone reads nothing.
  if (source.POSTHOG_PERSONAL_API_KEY && !source.POSTHOG_PROJECT_ID)
    issues.push({
      key: "POSTHOG_PROJECT_ID",
      reason: "is required with POSTHOG_PERSONAL_API_KEY (the project person properties are read from)",
    });
  if (source.POSTHOG_PROJECT_ID && !source.POSTHOG_PERSONAL_API_KEY)
    issues.push({
      key: "POSTHOG_PERSONAL_API_KEY",
      reason:
        "is required with POSTHOG_PROJECT_ID (a personal API key with person:read reads person properties)",
    });
  if (source.NODE_ENV !== "production") return issues;
  if (provider === "outbox")
    issues.push({
      key: "EMAIL_PROVIDER",
      reason: "outbox keeps mail in the database and is refused in production; use resend or postmark",
    });
  if (!source.EMAIL_FROM) issues.push({ key: "EMAIL_FROM", reason: "is required in production" });
  if (!source.REDIS_URL) issues.push({ key: "REDIS_URL", reason: "is required in production" });
  // Email links are built on API_PUBLIC_URL (else http://localhost), and better-auth sets
  // `Secure` cookies only behind https. Loopback stays allowed for local smoke runs and benches.
  if (!source.API_PUBLIC_URL)
    issues.push({
      key: "API_PUBLIC_URL",
      reason:
        "is required in production: links in emails point at it (https://… where recipients reach the api)",
    });
  for (const key of ["API_PUBLIC_URL", "BETTER_AUTH_URL"] as const) {
    const value = source[key];
    if (value && isPlainHttpOffLoopback(value))
      issues.push({ key, reason: "must be https in production (plain http only for localhost)" });
  }
  const secret = source.BETTER_AUTH_SECRET;
  if (secret && secret.length < 32) {
    issues.push({
      key: "BETTER_AUTH_SECRET",
      reason: "must be at least 32 characters in production (`pnpm gen:secret`)",
    });
  } else if (secret && PLACEHOLDER.test(secret)) {
    issues.push({
      key: "BETTER_AUTH_SECRET",
      reason: "looks like a placeholder; generate a real one with `pnpm gen:secret`",
    });
  }
  return issues;
}

/** TRUSTED_PROXIES entries that are neither an IP address nor a CIDR range with a valid prefix. */
function invalidProxyEntries(list: string | undefined): string[] {
  return (list ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)
    .filter((entry) => {
      const [address = "", prefix, ...rest] = entry.split("/");
      const family = isIP(address);
      if (family === 0 || rest.length > 0) return true;
      if (prefix === undefined) return false;
      const bits = Number(prefix);
      return !/^\d+$/.test(prefix) || bits > (family === 6 ? 128 : 32);
    });
}

/** http:// to anything but this machine (an unparsable URL is the schema's error, not this one's). */
function isPlainHttpOffLoopback(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return url.protocol === "http:" && !["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}

export type Env = z.output<typeof envSchema>;

/**
 * Hands the Hatchet SDK what it reads from the process environment only, from the validated
 * env: the gRPC compression our patch of it (patches/) adds.
 */
export function exportHatchetSdkEnv(env: Pick<Env, "HATCHET_CLIENT_GRPC_COMPRESSION">): void {
  process.env.HATCHET_CLIENT_GRPC_COMPRESSION = env.HATCHET_CLIENT_GRPC_COMPRESSION;
}

/**
 * The provider in effect: the explicit EMAIL_PROVIDER, else resend, except outside production
 * with no provider key at all, where a newcomer gets the outbox and sees mail without an account.
 * Call it on a source the schema accepted (EMAIL_PROVIDER is then a known id or unset).
 */
export function resolveEmailProvider(source: {
  [key: string]: unknown;
  EMAIL_PROVIDER?: string | undefined;
  NODE_ENV?: string | undefined;
  RESEND_API_KEY?: string | undefined;
  POSTMARK_SERVER_TOKEN?: string | undefined;
}): EmailProviderId {
  const explicit = source.EMAIL_PROVIDER;
  if (explicit) return explicit as EmailProviderId;
  if (source.NODE_ENV === "production") return "resend";
  if (source.RESEND_API_KEY) return "resend";
  if (source.POSTMARK_SERVER_TOKEN) return "postmark";
  return "outbox";
}

/** Parses without side effects (tests, tooling). */
export function readEnv(source: Record<string, string | undefined> = process.env): EnvResult<Env> {
  const base = parseEnv(envSchema, source);
  const baseIssues = base.ok ? [] : base.issues;
  const extra = crossFieldIssues(source).filter((e) => !baseIssues.some((i) => i.key === e.key));
  if (base.ok && extra.length === 0) return base;
  return { ok: false, issues: [...baseIssues, ...extra] };
}

/** Parses the process env once at start; prints every invalid key and exits 1 on failure. */
export function loadEnv(mode: string, source: Record<string, string | undefined> = process.env): Env {
  const result = readEnv(source);
  if (result.ok) return result.env;
  console.error(formatEnvIssues(result.issues, `the ${mode} run mode`));
  process.exit(1);
}
