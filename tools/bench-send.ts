/**
 * `pnpm bench:send`: how fast the mailer turns sends into provider calls. Each send goes the
 * whole way: validate props, resolve the contact, check preferences, record the email_sends row,
 * claim it, render the React Email template, rewrite links and add the pixel, sign the
 * unsubscribe links, call the real resend SDK against a local fake Resend, mark it sent, record
 * the `sent` email event and emit `email.sent` (stored and pushed to Hatchet).
 *
 * Real Postgres, Redis and Hatchet from devstack (or the env's), a fresh migrated database.
 * Prints emails/s, latency percentiles per send, and the process's peak memory.
 *
 *   pnpm bench:send [--count N] [--concurrency C] [--template KEY] [--json]
 */
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { templates } from "@hogsend/api/emails";
import { existingServicesFromEnv, hogsendDir, startStack } from "@hogsend/devstack";
import { startFakeResend } from "@hogsend/devstack/fakes";
import { createHogsendClient, createLogger, createRuntime, readEnv } from "@hogsend/engine";
import { createMigratedDatabase } from "./bench/databases.js";
import { LatencyRecorder } from "./bench/latency.js";
import { resultLine } from "./bench/result-line.js";

const root = resolve(import.meta.dirname, "..");
const log = (line: string) => process.stderr.write(`[bench:send] ${line}\n`);

const { values: flags } = parseArgs({
  args: process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === "--")),
  options: {
    count: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "16" },
    template: { type: "string", default: "welcome" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (flags.help) {
  console.log(
    `pnpm bench:send [--count N (2000)] [--concurrency C (16)] [--template KEY (welcome)] [--json]`,
  );
  process.exit(0);
}
const count = Number(flags.count);
const concurrency = Number(flags.concurrency);
const templateKey = flags.template;
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(concurrency) || concurrency < 1) {
  console.error("--count and --concurrency must be positive integers");
  process.exit(2);
}
if (!Object.hasOwn(templates, templateKey)) {
  console.error(`--template ${templateKey} is not a template; known: ${Object.keys(templates).join(", ")}`);
  process.exit(2);
}
const template = templates[templateKey as keyof typeof templates];

const runId = `bench_send_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
const stateDir = join(hogsendDir(root), "bench-runs", runId);
const stack = await startStack({
  existing: existingServicesFromEnv(process.env),
  homeDir: hogsendDir(root),
  name: join("bench-runs", runId),
  ephemeral: false,
  preferHostPorts: false,
  requireRedis: true,
  database: "postgres",
});
const resend = await startFakeResend({ apiKey: "re_bench" });
const database = await createMigratedDatabase(stack.postgres.url(), runId);
log(
  `stack up (postgres: ${stack.postgres.source}, hatchet: ${stack.hatchet.route}); fake Resend on ${resend.url}`,
);

const env = readEnv({
  NODE_ENV: "production",
  LOG_LEVEL: "error",
  DATABASE_URL: database.url,
  REDIS_URL: stack.env.REDIS_URL,
  BETTER_AUTH_SECRET: randomBytes(32).toString("base64"),
  HATCHET_CLIENT_TOKEN: stack.env.HATCHET_CLIENT_TOKEN,
  HATCHET_CLIENT_HOST_PORT: stack.env.HATCHET_CLIENT_HOST_PORT,
  HATCHET_CLIENT_TLS_STRATEGY: stack.env.HATCHET_CLIENT_TLS_STRATEGY,
  HATCHET_CLIENT_NAMESPACE: runId,
  API_PUBLIC_URL: "https://hogsend.example.com",
  EMAIL_PROVIDER: "resend",
  RESEND_API_KEY: "re_bench",
  RESEND_BASE_URL: resend.url,
  EMAIL_FROM: "Hogsend bench <bench@example.com>",
});
if (!env.ok) throw new Error(`bench env invalid: ${JSON.stringify(env.issues)}`);
const client = createHogsendClient(env.env, {
  version: "bench",
  role: "bench",
  logger: createLogger({ level: "error", json: true, write: () => {} }),
});
// The runtime's mailer; `send` records and dispatches in the call: the whole pipeline of one send.
const { mailer } = createRuntime(client, { clientJournal: null, templates });
if (!mailer) throw new Error("the app's templates make a mailer");

async function cleanup() {
  await client.close();
  await resend.close();
  if (stack.postgres.source === "env") await database.drop().catch(() => {});
  await stack.stop();
  await rm(stateDir, { recursive: true, force: true });
}

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

// Warm-up: the first render compiles React paths and opens pool connections.
for (let i = 0; i < Math.min(20, count); i++) {
  await mailer.send({ to: `warmup-${i}@example.com`, template: templateKey, props: template.example });
}
resend.reset();
const rssBefore = process.memoryUsage().rss;

const latency = new LatencyRecorder();
const outcomes = new Map<string, number>();
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const i = next++;
      const t0 = performance.now();
      const result = await mailer.send({
        to: `bench-${i}@example.com`,
        template: templateKey,
        props: template.example,
        idempotencyKey: `${runId}-${i}`,
      });
      latency.record(performance.now() - t0);
      const outcome = result.dispatch?.outcome ?? result.send.status;
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);

const sent = outcomes.get("sent") ?? 0;
const raw = latency.summary();
const summary = {
  p50: Number(raw.p50.toFixed(1)),
  p95: Number(raw.p95.toFixed(1)),
  p99: Number(raw.p99.toFixed(1)),
  max: Number(raw.max.toFixed(1)),
};
const report = {
  template: templateKey,
  count,
  concurrency,
  sent,
  outcomes: Object.fromEntries(outcomes),
  providerCalls: resend.requests.length,
  seconds: Number(seconds.toFixed(2)),
  emailsPerSecond: Number((sent / seconds).toFixed(1)),
  latencyMs: summary,
  peakRssMb: Number((peakRss / 1024 / 1024).toFixed(1)),
  rssGrowthMb: Number(((peakRss - rssBefore) / 1024 / 1024).toFixed(1)),
};
await cleanup();

const result = resultLine("send", {
  emails_per_s: report.emailsPerSecond,
  p50_ms: summary.p50,
  p99_ms: summary.p99,
  sent,
  peak_rss_mb: report.peakRssMb,
});
if (flags.json) {
  console.log(JSON.stringify(report, null, 2));
  console.error(result);
} else {
  console.log(
    [
      `bench:send  ${count} × ${templateKey}, concurrency ${concurrency}, real resend SDK → local fake Resend`,
      `  sent           ${sent} in ${report.seconds}s  →  ${report.emailsPerSecond} emails/s`,
      `  outcomes       ${JSON.stringify(report.outcomes)} (provider calls: ${report.providerCalls})`,
      `  per send (ms)  p50 ${summary.p50}  p95 ${summary.p95}  p99 ${summary.p99}  max ${summary.max}`,
      `  memory         peak RSS ${report.peakRssMb} MB (+${report.rssGrowthMb} MB during the run)`,
    ].join("\n"),
  );
  console.log(result);
}
process.exit(sent === count && report.providerCalls === count ? 0 : 1);
