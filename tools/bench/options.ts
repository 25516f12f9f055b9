import { parseArgs } from "node:util";

export type LoadMode = "closed" | "open";

export interface BenchOptions {
  /** `closed`: N workers, one request each in flight; `open`: a fixed offered rate (`--rate`). */
  mode: LoadMode;
  /** Closed loop: workers, each with one request in flight. Both modes: the baseline's workers. */
  concurrency: number;
  /** Open loop: events offered per second, sent on schedule whatever the api answers. */
  ratePerSecond: number | undefined;
  /** Open loop: requests in flight at most; one due while this many are open is not sent (an error). */
  maxInFlight: number;
  durationMs: number;
  warmupMs: number;
  /** An already running api (with `key`); unset: start the whole stack and the api here. */
  url: string | undefined;
  key: string | undefined;
  /** With `url`: the api's process id, to read its peak RSS. */
  apiPid: number | undefined;
  /** Distinct users the events are spread over. */
  users: number;
  /** Rows per transaction in the batched baseline. */
  batchSize: number;
  /** The baseline writes the api's accepted count of rows, but at least this many. */
  baselineMinRows: number;
  /** The baseline's connection pool; unset: as many as the api holds open after its run. */
  pool: number | undefined;
  skipBaseline: boolean;
  /** How long stored events may take to leave the pending state before they are counted. */
  settleMs: number;
  /** Self-contained mode: Postgres with fsync and synchronous_commit off, like the test stack. */
  ephemeral: boolean;
  /** Self-contained mode: rebuild apps/api/dist before starting the api. */
  build: boolean;
  /** Self-contained mode: run the api under --cpu-prof, writing the profile here. */
  profileDir: string | undefined;
  json: boolean;
}

export const USAGE = `pnpm bench:ingest [flags]

Drives POST /v1/events on the api for a fixed time, then (closed loop) writes the same kind of
rows straight into Postgres as the baseline: one prepared upsert-and-insert statement per row
(autocommit), then batches in one transaction each.

Closed loop (default): N keep-alive workers, each sends an event and waits for the answer before
sending the next. Measures capacity; latency then includes no queueing the client did not see.
Open loop (--rate): events are sent on a fixed schedule whatever the api answers, and latency
is measured from each event's scheduled send time, so queueing in the api shows in the figures.

  --rate N          open loop: offer N events/s (default: closed loop)
  --max-in-flight N open loop: requests open at most; an event due while this many are
                    open is not sent and counts as an error               default 1024
  --concurrency N   closed loop: workers; both modes: baseline workers   default 32
  --duration T      measured window: 500ms, 10s, 1m                  default 10s
  --warmup T        unmeasured load before the window                default 2s
  --users N         distinct users the events are spread over        default 1000
  --batch-size N    rows per transaction in the batched baseline     default 100
  --baseline-min-rows N
                    the baseline writes as many rows as the api accepted, but at least
                    this many, so its timing is not noise                default 5000
  --pool N          the baseline's connection pool (default: the connections the api
                    holds open on its database after the run, else 10)
  --settle T        wait this long for stored events to leave the pending push state
                    before counting them                             default 30s
  --url URL         drive an api that is already running (needs --key); the stored-row check
                    and the baseline then need DATABASE_URL (the baseline's scratch database
                    is created next to it)
  --key hsk_…       an API key with the ingest scope, for --url
  --api-pid PID     with --url: the api's process id, to report its peak RSS
  --no-baseline     skip the direct Postgres baseline (always skipped in the open loop)
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

export function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${flag} must be a positive integer, got ${value}`);
  return n;
}

export function positiveRate(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`--${flag} must be a positive number, got ${value}`);
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
  const ratePerSecond = values.rate === undefined ? undefined : positiveRate("rate", values.rate);
  const options: BenchOptions = {
    mode: ratePerSecond === undefined ? "closed" : "open",
    concurrency: positiveInt("concurrency", values.concurrency),
    ratePerSecond,
    maxInFlight: positiveInt("max-in-flight", values["max-in-flight"]),
    durationMs: parseDurationFlag("duration", values.duration),
    warmupMs: parseDurationFlag("warmup", values.warmup),
    url: values.url?.replace(/\/$/, ""),
    key: values.key,
    apiPid: values["api-pid"] === undefined ? undefined : positiveInt("api-pid", values["api-pid"]),
    users: positiveInt("users", values.users),
    batchSize: positiveInt("batch-size", values["batch-size"]),
    baselineMinRows: positiveInt("baseline-min-rows", values["baseline-min-rows"]),
    pool: values.pool === undefined ? undefined : positiveInt("pool", values.pool),
    skipBaseline: values["no-baseline"],
    settleMs: parseDurationFlag("settle", values.settle),
    ephemeral: values.ephemeral,
    build: values.build,
    profileDir: values.profile,
    json: values.json,
  };
  if (options.durationMs <= 0) throw new UsageError("--duration must be longer than 0");
  if (options.url && !options.key)
    throw new UsageError("--url needs --key (an API key with the ingest scope)");
  if (options.key && !options.url) throw new UsageError("--key is only used with --url");
  if (options.apiPid !== undefined && !options.url)
    throw new UsageError("--api-pid is only used with --url (the self-contained mode knows its api)");
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
      rate: { type: "string" },
      "max-in-flight": { type: "string", default: "1024" },
      concurrency: { type: "string", default: "32" },
      duration: { type: "string", default: "10s" },
      warmup: { type: "string", default: "2s" },
      users: { type: "string", default: "1000" },
      "batch-size": { type: "string", default: "100" },
      "baseline-min-rows": { type: "string", default: "5000" },
      pool: { type: "string" },
      settle: { type: "string", default: "30s" },
      url: { type: "string" },
      key: { type: "string" },
      "api-pid": { type: "string" },
      "no-baseline": { type: "boolean", default: false },
      ephemeral: { type: "boolean", default: false },
      build: { type: "boolean", default: false },
      profile: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
}

/**
 * A bench's options from its command line: `--help` prints `usage` and exits 0, a usage error
 * prints itself and `usage` and exits 2. `pnpm bench:x -- --json` passes the separator through.
 */
export function readCliOptions<T>(parse: (argv: string[]) => T | "help", usage: string): T {
  const argv = process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === "--"));
  try {
    const parsed = parse(argv);
    if (parsed === "help") {
      console.log(usage);
      process.exit(0);
    }
    return parsed;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${err.message}\n\n${usage}`);
    process.exit(2);
  }
}
