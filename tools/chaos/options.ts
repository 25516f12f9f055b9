import { parseArgs } from "node:util";
import { parseDurationFlag, positiveInt, positiveRate, UsageError } from "../bench/options.js";

export interface ChaosOptions {
  /** Journeys run, one per contact; each sends two emails. */
  journeys: number;
  /** Seeds the kill schedule, the api kill's moment and the fake's faults: a run can be replayed. */
  seed: number;
  /** The worker is SIGKILLed every `killMinMs`–`killMaxMs` (drawn at random), then restarted. */
  killMinMs: number;
  killMaxMs: number;
  /** Trigger events offered per second. */
  ratePerSecond: number;
  /** The fake's faults, as `serve.ts --faults` takes them. */
  faults: string;
  /** After the last event is acknowledged, how long the journeys and sends may take to settle. */
  timeoutMs: number;
}

export const CHAOS_USAGE = `pnpm chaos [flags]

Runs N journeys that each send two emails around a durable sleep, through the real stack
(Postgres, Redis, Hatchet, the api and worker run modes) and a fake Resend that fails on purpose,
while the worker is SIGKILLed at random and restarted, and the api is SIGKILLed once mid-ingest.
Then checks that every acknowledged event is stored, every journey completed once, and the fake
accepted exactly 2N distinct emails: none lost, none twice (by idempotency key, and by recipient
and template). Ends with RESULT chaos …; exits 1 on any loss or duplicate.

  --journeys N     journeys (contacts), two emails each                  default 2000
  --seed N         seeds kills and faults, so a run can be replayed      default 20261204
  --kill-every A-B worker SIGKILL every A to B (random), e.g. 2s-6s       default 2s-6s
  --rate N         trigger events offered per second                     default 100
  --faults SPEC    the fake's faults: 429=S,500=S,timeout=S (shares)     default 429=0.1,500=0.05,timeout=0.02
  --timeout T      settle time after the last event is acknowledged      default 10m`;

export function parseChaosOptions(argv: string[]): ChaosOptions | "help" {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        journeys: { type: "string", default: "2000" },
        seed: { type: "string", default: "20261204" },
        "kill-every": { type: "string", default: "2s-6s" },
        rate: { type: "string", default: "100" },
        faults: { type: "string", default: "429=0.1,500=0.05,timeout=0.02" },
        timeout: { type: "string", default: "10m" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return "help";
  const killEvery = String(values["kill-every"]);
  const [min = "", max = min] = killEvery.split("-");
  const killMinMs = parseDurationFlag("kill-every", min);
  const killMaxMs = parseDurationFlag("kill-every", max);
  if (killMinMs < 500 || killMaxMs < killMinMs)
    throw new UsageError(`--kill-every takes A-B with 500ms ≤ A ≤ B, got ${killEvery}`);
  return {
    journeys: positiveInt("journeys", String(values.journeys)),
    seed: positiveInt("seed", String(values.seed)),
    killMinMs,
    killMaxMs,
    ratePerSecond: positiveRate("rate", String(values.rate)),
    faults: String(values.faults),
    timeoutMs: parseDurationFlag("timeout", String(values.timeout)),
  };
}
