import { parseArgs } from "node:util";

export interface BenchOptions {
  /** Closed-loop workers, each with one request in flight; also the baseline's connections. */
  concurrency: number;
  durationMs: number;
  warmupMs: number;
  /** An already running api (with `key`); unset: start the whole stack and the api here. */
  url: string | undefined;
  key: string | undefined;
  /** Distinct users the events are spread over. */
  users: number;
  /** Rows per transaction in the batched baseline. */
  batchSize: number;
  /** The baseline writes the api's accepted count of rows, but at least this many. */
  baselineMinRows: number;
  skipBaseline: boolean;
  /** Self-contained mode: Postgres with fsync and synchronous_commit off, like the test stack. */
  ephemeral: boolean;
  /** Self-contained mode: rebuild apps/api/dist before starting the api. */
  build: boolean;
  /** Self-contained mode: run the api under --cpu-prof, writing the profile here. */
  profileDir: string | undefined;
  json: boolean;
}

export const USAGE = `pnpm bench:ingest [flags]

Drives POST /v1/events with N closed-loop keep-alive workers for a fixed time, then inserts the
same number of rows straight into Postgres (one per transaction, then in batches) as the
physical-limit baseline.

  --concurrency N   workers (and baseline connections)               default 32
  --duration T      measured window: 500ms, 10s, 1m                  default 10s
  --warmup T        unmeasured load before the window                default 2s
  --users N         distinct users the events are spread over        default 1000
  --batch-size N    rows per transaction in the batched baseline     default 100
  --baseline-min-rows N
                    the baseline writes as many rows as the api accepted, but at least
                    this many, so its timing is not noise                default 5000
  --url URL         drive an api that is already running (needs --key); the baseline then
                    needs DATABASE_URL (a scratch database is created next to it)
  --key hsk_…       an API key with the ingest scope, for --url
  --no-baseline     skip the direct Postgres baseline
  --ephemeral       self-contained mode: Postgres without fsync (default: durable, like production)
  --build           self-contained mode: rebuild apps/api/dist first (built when missing)
  --profile DIR     self-contained mode: run the api with --cpu-prof, profile written to DIR
  --json            print a machine-readable summary on stdout
  --help`;

export class UsageError extends Error {}

/** `250ms`, `1.5s`, `2m`, or a bare number of seconds. */
export function parseDurationFlag(flag: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (!match) throw new UsageError(`--${flag} ${JSON.stringify(value)}: use e.g. 500ms, 10s, 1m`);
  const unit = match[2] ?? "s";
  return Math.round(Number(match[1]) * (unit === "ms" ? 1 : unit === "s" ? 1_000 : 60_000));
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${flag} must be a positive integer, got ${value}`);
  return n;
}

/** Parses the command line; throws UsageError naming the bad flag. */
export function parseBenchOptions(argv: string[]): BenchOptions | "help" {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values } = parsed;
  if (values.help) return "help";
  const options: BenchOptions = {
    concurrency: positiveInt("concurrency", values.concurrency),
    durationMs: parseDurationFlag("duration", values.duration),
    warmupMs: parseDurationFlag("warmup", values.warmup),
    url: values.url?.replace(/\/$/, ""),
    key: values.key,
    users: positiveInt("users", values.users),
    batchSize: positiveInt("batch-size", values["batch-size"]),
    baselineMinRows: positiveInt("baseline-min-rows", values["baseline-min-rows"]),
    skipBaseline: values["no-baseline"],
    ephemeral: values.ephemeral,
    build: values.build,
    profileDir: values.profile,
    json: values.json,
  };
  if (options.durationMs <= 0) throw new UsageError("--duration must be longer than 0");
  if (options.url && !options.key)
    throw new UsageError("--url needs --key (an API key with the ingest scope)");
  if (options.key && !options.url) throw new UsageError("--key is only used with --url");
  if (options.url && options.profileDir)
    throw new UsageError("--profile needs the self-contained mode (no --url)");
  if (options.url && !/^https?:\/\//.test(options.url))
    throw new UsageError("--url must be http:// or https://");
  return options;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      concurrency: { type: "string", default: "32" },
      duration: { type: "string", default: "10s" },
      warmup: { type: "string", default: "2s" },
      users: { type: "string", default: "1000" },
      "batch-size": { type: "string", default: "100" },
      "baseline-min-rows": { type: "string", default: "5000" },
      url: { type: "string" },
      key: { type: "string" },
      "no-baseline": { type: "boolean", default: false },
      ephemeral: { type: "boolean", default: false },
      build: { type: "boolean", default: false },
      profile: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
}
