import { type EventSource, toRequestBody } from "./events.js";
import { createApiPoster } from "./http-post.js";
import { LatencyRecorder, type LatencySummary } from "./latency.js";
import { startCpuMeter } from "./process-stats.js";

export interface LoadOptions {
  /** Base URL of the api, without a trailing slash. */
  url: string;
  key: string;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  events: EventSource;
  /** Stops the load early (Ctrl-C). */
  signal?: AbortSignal | undefined;
  /** Called once a second with the accepted rate over that second. */
  progress(line: string): void;
}

/** What the open loop adds to a load result. */
export interface OpenLoopStats {
  offeredPerSecond: number;
  /** Events whose scheduled send time fell inside the measured window. */
  scheduled: number;
  /** Of those, sent; the rest found `maxInFlight` requests open (counted under `errors` too). */
  sent: number;
  maxInFlight: number;
  peakInFlight: number;
  /** Sent later than `LATE_SEND_MS` after their scheduled time: the client fell behind. */
  lateSends: number;
  maxSendLagMs: number;
}

export interface LoadResult {
  mode: "closed" | "open";
  /** 202s answered for requests sent inside the measured window. */
  accepted: number;
  /** Everything else in the window, by HTTP status, network error code, or why it was not sent. */
  errors: Record<string, number>;
  /** The first response body seen for each error kind, to tell what went wrong. */
  errorSamples: Record<string, string>;
  /** From the start of the window until the last request sent in it was answered. */
  elapsedMs: number;
  eventsPerSecond: number;
  /** Closed loop: from send to answer. Open loop: from the scheduled send time to the answer. */
  latency: LatencySummary;
  /** The load client's own CPU over the window, in % of one core: near 100 it was the bottleneck. */
  clientCpuPct: number;
  /** Requests (any outcome) and 202s during the warm-up, not part of the figures. */
  warmup: { requests: number; accepted: number };
  open?: OpenLoopStats;
}

/** Adds one error of `kind` to a result's tallies. */
export function countError(
  result: Pick<LoadResult, "errors" | "errorSamples">,
  kind: string,
  sample: string,
): void {
  result.errors[kind] = (result.errors[kind] ?? 0) + 1;
  result.errorSamples[kind] ??= sample.slice(0, 300);
}

export function errorTotal(result: Pick<LoadResult, "errors">): number {
  return Object.values(result.errors).reduce((a, b) => a + b, 0);
}

/**
 * A closed loop: `concurrency` workers, each sending one event and waiting for its answer
 * before sending the next, over keep-alive connections (one per worker). A warm-up phase
 * opens the connections and warms the api's pools; only requests sent inside the measured
 * window count.
 */
export async function driveIngest(options: LoadOptions): Promise<LoadResult> {
  const poster = createApiPoster({ url: options.url, key: options.key, maxSockets: options.concurrency });
  const latency = new LatencyRecorder();
  const tally = { errors: {} as Record<string, number>, errorSamples: {} as Record<string, string> };
  const warmup = { requests: 0, accepted: 0 };
  let accepted = 0;

  let phase: "warmup" | "measure" | "stop" = options.warmupMs > 0 ? "warmup" : "measure";
  let windowStart = performance.now();
  let cpu = startCpuMeter();
  // Restarted when the window opens, so each line covers one second of that phase.
  const startTicker = () => {
    let ticks = 0;
    let acceptedAtLastTick = 0;
    return setInterval(() => {
      ticks++;
      if (phase === "warmup") {
        options.progress(`warm-up ${ticks}s: ${warmup.accepted} accepted`);
        return;
      }
      options.progress(
        `${String(ticks).padStart(3)}s: ${accepted - acceptedAtLastTick} events/s` +
          ` (${(accepted / ticks).toFixed(0)} events/s so far, ${accepted} accepted, ${errorTotal(tally)} errors)`,
      );
      acceptedAtLastTick = accepted;
    }, 1_000);
  };
  let ticker = startTicker();

  const worker = async () => {
    while (phase !== "stop") {
      const sentIn = phase;
      const body = toRequestBody(options.events.next());
      const started = performance.now();
      const outcome = await poster.post("/v1/events", body);
      const ms = performance.now() - started;
      if (sentIn === "warmup") {
        warmup.requests++;
        if (outcome.kind === "202") warmup.accepted++;
        continue;
      }
      latency.record(ms);
      if (outcome.kind === "202") accepted++;
      else countError(tally, outcome.kind, outcome.body);
    }
  };

  const workers = Array.from({ length: options.concurrency }, worker);
  const aborted = new Promise<void>((resolve) => options.signal?.addEventListener("abort", () => resolve()));
  const wait = (ms: number) => Promise.race([sleep(ms), aborted]);
  if (phase === "warmup") {
    await wait(options.warmupMs);
    phase = "measure";
    windowStart = performance.now();
    cpu = startCpuMeter();
    clearInterval(ticker);
    ticker = startTicker();
  }
  await wait(options.durationMs);
  phase = "stop";
  await Promise.all(workers);
  const elapsedMs = performance.now() - windowStart;
  const clientCpuPct = cpu.stop();
  clearInterval(ticker);
  poster.close();
  return {
    mode: "closed",
    accepted,
    ...tally,
    elapsedMs,
    eventsPerSecond: accepted / (elapsedMs / 1_000),
    latency: latency.summary(),
    clientCpuPct,
    warmup,
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
