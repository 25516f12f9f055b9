import { parseArgs } from "node:util";
import { parseDurationFlag, positiveInt, positiveRate, UsageError } from "./options.js";

/** `limit`: the fake enforces Resend's 5 requests/s; `unlimited`: the pipeline's own ceiling. */
export type SendMode = "limit" | "unlimited";

export interface SendOptions {
  mode: SendMode;
  /** Sends enqueued in the measured run, through both public paths. */
  count: number;
  /** Distinct contacts they go to. */
  contacts: number;
  /** The share of `count` that journeys send (one `user_signed_up` per contact), the rest POST /v1/emails. */
  journeyShare: number;
  /** Requests in flight at once while enqueueing. */
  concurrency: number;
  /** The POST /v1/emails template, sent with its `example` props. */
  template: string;
  /** The worker's EMAIL_RATE_PER_SECOND / EMAIL_RATE_BURST; undefined: the provider's default. */
  ratePerSecond: number | undefined;
  burst: number | undefined;
  /** Sends enqueued and settled before the measured run (other contacts), not measured. */
  warmup: number;
  /**
   * The POST /v1/emails sends are all enqueued before the worker starts, then the worker drains
   * them while the journey triggers come in: the dispatcher's own ceiling, whatever the enqueue
   * path's pace. No warm-up.
   */
  backlog: boolean;
  /** After the last enqueue, how long to wait for every send to settle. */
  timeoutMs: number;
  ephemeral: boolean;
  build: boolean;
  /** Run the api and the worker under --cpu-prof, profiles written here. */
  profileDir: string | undefined;
  /** NODE_OPTIONS for the api and the worker (heap limits: what peak RSS costs in throughput). */
  nodeOptions: string | undefined;
  json: boolean;
}

/** What the worker runs with in `--unlimited` unless `--rate` / `--burst` say otherwise. */
const UNLIMITED_RATE = 1_000;
const UNLIMITED_BURST = 50;

export const SEND_USAGE = `pnpm bench:send [flags]

Starts a fake Resend in its own process, the stack, and the built api and worker
(NODE_ENV=production). Enqueues N sends over M contacts through the public paths: POST /v1/emails
(ingest key, the template's example props) and, for a share of them, a user_signed_up event per
contact, whose welcome journey sends at once. Waits until every send is settled, then reports
emails/s, enqueue → accepted latency (email_sends.created_at → sent_at), the peak RSS of the api
and worker, the provider calls, and checks that each send reached the fake exactly once.

  --limit resend    the fake answers 429 + Retry-After beyond Resend's 5 requests/s; the worker
                    runs with the provider's default rate (the default mode)
  --unlimited       the fake takes everything; the worker runs at --rate ${UNLIMITED_RATE}, --burst ${UNLIMITED_BURST}
  --count N         sends in the measured run                          default 10000
  --contacts N      distinct contacts they go to                       default 1000
  --journey-share F the share sent by the welcome journey (0 to 1; at most
                    --contacts sends, one enrollment per contact)        default 0.1
  --concurrency N   enqueue requests in flight                         default 32
  --template KEY    the POST /v1/emails template                       default welcome
  --rate N          the worker's EMAIL_RATE_PER_SECOND (provider requests/s)
  --burst N         the worker's EMAIL_RATE_BURST
  --warmup N        sends before the run (other contacts, not measured)  default 100
  --backlog         enqueue the POST /v1/emails sends before the worker starts, then start it
                    and send the journey triggers: emails/s is then the dispatcher's drain
                    rate (first → last sent_at), whatever the enqueue path's pace; no warm-up.
                    Exits 1 if anything was sent before the worker ran
  --timeout T       after the last enqueue, wait this long at most for
                    every send to settle: 30s, 5m                      default 10m
  --ephemeral       Postgres without fsync (default: durable, like production)
  --build           rebuild apps/api/dist first (built when missing)
  --profile DIR     run the api and worker under --cpu-prof, profiles written to DIR
  --node-options S  NODE_OPTIONS for the api and worker, e.g. "--max-old-space-size=160"
  --json            print a machine-readable summary on stdout
  --help`;

/** Parses the command line; throws UsageError naming the bad flag. */
export function parseSendOptions(argv: string[]): SendOptions | "help" {
  let values: ReturnType<typeof parse>["values"];
  try {
    ({ values } = parse(argv));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return "help";
  if (values.limit !== undefined && values.limit !== "resend")
    throw new UsageError(`--limit takes "resend", got ${values.limit}`);
  if (values.limit !== undefined && values.unlimited)
    throw new UsageError("--limit and --unlimited exclude each other");
  const mode: SendMode = values.unlimited ? "unlimited" : "limit";
  const share = Number(values["journey-share"]);
  if (!Number.isFinite(share) || share < 0 || share > 1)
    throw new UsageError(`--journey-share must be between 0 and 1, got ${values["journey-share"]}`);
  const warmup = Number(values.warmup);
  if (!Number.isInteger(warmup) || warmup < 0)
    throw new UsageError(`--warmup must be a whole number, got ${values.warmup}`);
  const options: SendOptions = {
    mode,
    count: positiveInt("count", values.count),
    contacts: positiveInt("contacts", values.contacts),
    journeyShare: share,
    concurrency: positiveInt("concurrency", values.concurrency),
    template: values.template,
    ratePerSecond:
      values.rate === undefined
        ? mode === "unlimited"
          ? UNLIMITED_RATE
          : undefined
        : positiveRate("rate", values.rate),
    burst:
      values.burst === undefined
        ? mode === "unlimited"
          ? UNLIMITED_BURST
          : undefined
        : positiveInt("burst", values.burst),
    warmup: values.backlog ? 0 : warmup,
    backlog: values.backlog,
    timeoutMs: parseDurationFlag("timeout", values.timeout),
    ephemeral: values.ephemeral,
    build: values.build,
    profileDir: values.profile,
    nodeOptions: values["node-options"],
    json: values.json,
  };
  if (Math.round(options.count * options.journeyShare) > options.contacts)
    throw new UsageError(
      "--count × --journey-share is more than --contacts: the welcome journey enrolls each contact once",
    );
  return options;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      limit: { type: "string" },
      unlimited: { type: "boolean", default: false },
      count: { type: "string", default: "10000" },
      contacts: { type: "string", default: "1000" },
      "journey-share": { type: "string", default: "0.1" },
      concurrency: { type: "string", default: "32" },
      template: { type: "string", default: "welcome" },
      rate: { type: "string" },
      burst: { type: "string" },
      warmup: { type: "string", default: "100" },
      backlog: { type: "boolean", default: false },
      timeout: { type: "string", default: "10m" },
      ephemeral: { type: "boolean", default: false },
      build: { type: "boolean", default: false },
      profile: { type: "string" },
      "node-options": { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
}
