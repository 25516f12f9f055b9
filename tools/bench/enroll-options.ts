import { parseArgs } from "node:util";
import { parseDurationFlag, positiveInt, positiveRate, UsageError } from "./options.js";

export interface EnrollOptions {
  /** Trigger events sent per second, on a fixed schedule (open loop). */
  ratePerSecond: number;
  durationMs: number;
  /** Triggers sent at the same rate before the window (other users), not measured. */
  warmupMs: number;
  /** After the last trigger, how long to wait for enrollments still to come. */
  waitMs: number;
  maxInFlight: number;
  /** The journey measured, and the event that triggers it. */
  journey: string;
  event: string;
  /** An api (and worker) already running: with `key`, and DATABASE_URL for the enrollments. */
  url: string | undefined;
  key: string | undefined;
  apiPid: number | undefined;
  workerPid: number | undefined;
  ephemeral: boolean;
  build: boolean;
  json: boolean;
}

export const ENROLL_USAGE = `pnpm bench:enroll [flags]

Starts the stack, the built api and worker and a fake Resend (own process), then sends one
trigger event per new user at a steady rate (open loop) and measures event → enrolled: from the
event's user_events.received_at to its journey_states.started_at (trigger_event_id), both taken
by Postgres's clock. Waits for stragglers, then prints p50/p95/p99/max and how many enrolled.

  --rate N          triggers per second                                default 20
  --duration T      measured window: 500ms, 20s, 1m                    default 20s
  --warmup T        triggers before the window (not measured)          default 2s
  --wait T          after the last trigger, wait this long at most
                    for enrollments still to come                      default 60s
  --max-in-flight N requests open at most                              default 1024
  --journey ID      the journey measured                               default welcome
  --event NAME      the event that triggers it                         default user_signed_up
  --url URL         an api that is already running, with a worker on its Hatchet namespace
                    (needs --key and DATABASE_URL)
  --key hsk_…       an API key with the ingest scope, for --url
  --api-pid PID     with --url: the api's process id, to report its peak RSS
  --worker-pid PID  with --url: the worker's process id, to report its peak RSS
  --ephemeral       self-contained mode: Postgres without fsync (default: durable)
  --build           self-contained mode: rebuild apps/api/dist first (built when missing)
  --json            print a machine-readable summary on stdout
  --help`;

/** Parses the command line; throws UsageError naming the bad flag. */
export function parseEnrollOptions(argv: string[]): EnrollOptions | "help" {
  let values: ReturnType<typeof parse>["values"];
  try {
    ({ values } = parse(argv));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return "help";
  const pid = (flag: "api-pid" | "worker-pid") => {
    const value = values[flag];
    return value === undefined ? undefined : positiveInt(flag, value);
  };
  const options: EnrollOptions = {
    ratePerSecond: positiveRate("rate", values.rate),
    durationMs: parseDurationFlag("duration", values.duration),
    warmupMs: parseDurationFlag("warmup", values.warmup),
    waitMs: parseDurationFlag("wait", values.wait),
    maxInFlight: positiveInt("max-in-flight", values["max-in-flight"]),
    journey: values.journey,
    event: values.event,
    url: values.url?.replace(/\/$/, ""),
    key: values.key,
    apiPid: pid("api-pid"),
    workerPid: pid("worker-pid"),
    ephemeral: values.ephemeral,
    build: values.build,
    json: values.json,
  };
  if (options.durationMs <= 0) throw new UsageError("--duration must be longer than 0");
  if (options.url && !options.key)
    throw new UsageError("--url needs --key (an API key with the ingest scope)");
  if (options.key && !options.url) throw new UsageError("--key is only used with --url");
  if ((options.apiPid ?? options.workerPid) !== undefined && !options.url)
    throw new UsageError("--api-pid and --worker-pid are only used with --url");
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
      rate: { type: "string", default: "20" },
      duration: { type: "string", default: "20s" },
      warmup: { type: "string", default: "2s" },
      wait: { type: "string", default: "60s" },
      "max-in-flight": { type: "string", default: "1024" },
      journey: { type: "string", default: "welcome" },
      event: { type: "string", default: "user_signed_up" },
      url: { type: "string" },
      key: { type: "string" },
      "api-pid": { type: "string" },
      "worker-pid": { type: "string" },
      ephemeral: { type: "boolean", default: false },
      build: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
}
