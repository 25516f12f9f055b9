/**
 * A fake email provider in its own process, so a benchmark measures the mailer and not the fake:
 * it keeps no bodies, only counters and the ids issued per idempotency key.
 *
 *   node --import tsx packages/devstack/src/fakes/serve.ts --provider resend [--limit resend | --unlimited]
 *     [--port N] [--api-key KEY] [--record] [--faults 429=0.1,500=0.05,timeout=0.02 [--seed N]]
 *
 * Prints one JSON line on stdout when listening: `{"provider","url","stats","ledger","pid"}`.
 * Control over HTTP: GET /__stats (counters), GET /__ledger (key → ids), POST /__reset, and
 * POST /__fail {status, times?, after?, retryAfterSeconds?}, /__delay {ms, times?},
 * /__drop {times?, after?, process?} to inject failures. `--faults` draws faults at random for every
 * request, seeded by `--seed`: 429 (with `Retry-After: 1`), 500, and `timeout` (accepted, never
 * answered). Stops on SIGTERM or SIGINT.
 */
import { parseArgs } from "node:util";
import type { FakeVendorServer, FaultMix } from "./fake-server.js";
import { startFakePostmark } from "./postmark.js";
import { startFakeResend } from "./resend.js";

const USAGE =
  "serve.ts --provider resend|postmark [--limit resend | --unlimited] [--port N] [--api-key KEY] [--record] [--faults 429=S,500=S,timeout=S] [--seed N]";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === "--")),
  options: {
    provider: { type: "string", default: "resend" },
    limit: { type: "string" },
    unlimited: { type: "boolean", default: false },
    port: { type: "string", default: "0" },
    "api-key": { type: "string" },
    record: { type: "boolean", default: false },
    faults: { type: "string" },
    seed: { type: "string", default: "1" },
    help: { type: "boolean", default: false },
  },
});

function fail(message: string): never {
  process.stderr.write(`${message}\nusage: ${USAGE}\n`);
  process.exit(2);
}

if (values.help) {
  process.stdout.write(`usage: ${USAGE}\n`);
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535)
  fail(`--port must be a port number, got ${values.port}`);
if (values.limit !== undefined && values.limit !== "resend")
  fail(`--limit takes "resend", got ${values.limit}`);
if (values.limit !== undefined && values.unlimited) fail("--limit and --unlimited exclude each other");
if (values.limit === "resend" && values.provider !== "resend") fail("--limit resend needs --provider resend");

/** `429=0.1,500=0.05,timeout=0.02` → a fault mix; each share 0 to 1. */
function parseFaults(spec: string, seed: number): FaultMix {
  const names: Record<string, "rateLimited" | "serverError" | "timeout"> = {
    "429": "rateLimited",
    "500": "serverError",
    timeout: "timeout",
  };
  const mix: FaultMix = { seed };
  for (const part of spec.split(",")) {
    const [name = "", share = ""] = part.split("=");
    const field = names[name.trim()];
    const value = Number(share);
    if (!field || share.trim() === "" || !(value >= 0 && value <= 1))
      fail(`--faults takes 429=S,500=S,timeout=S with shares from 0 to 1, got ${spec}`);
    mix[field] = value;
  }
  return mix;
}

const seed = Number(values.seed);
if (!Number.isInteger(seed)) fail(`--seed must be an integer, got ${values.seed}`);
const faults = values.faults === undefined ? undefined : parseFaults(values.faults, seed);
const common = { record: values.record, port, ...(faults ? { faults } : {}) };
let fake: FakeVendorServer;
if (values.provider === "resend") {
  fake = await startFakeResend({
    ...common,
    ...(values["api-key"] ? { apiKey: values["api-key"] } : {}),
    ...(values.limit === "resend" ? { limit: "resend" as const } : {}),
  });
} else if (values.provider === "postmark") {
  fake = await startFakePostmark({
    ...common,
    ...(values["api-key"] ? { serverToken: values["api-key"] } : {}),
  });
} else {
  fail(`--provider must be resend or postmark, got ${values.provider}`);
}

process.stdout.write(
  `${JSON.stringify({
    provider: values.provider,
    url: fake.url,
    stats: `${fake.url}/__stats`,
    ledger: `${fake.url}/__ledger`,
    limit: values.limit ?? "none",
    ...(faults ? { faults } : {}),
    pid: process.pid,
  })}\n`,
);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void fake.close().finally(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
