import { type EventSource, toRequestBody } from "./events.js";
import { createApiPoster } from "./http-post.js";
import { LatencyRecorder } from "./latency.js";
import { countError, errorTotal, type LoadResult } from "./load.js";
import { startCpuMeter } from "./process-stats.js";

export interface OpenLoopOptions {
  /** Base URL of the api, without a trailing slash. */
  url: string;
  key: string;
  ratePerSecond: number;
  /** Requests open at most; an event due while this many are open is not sent (an error). */
  maxInFlight: number;
  warmupMs: number;
  durationMs: number;
  events: EventSource;
  signal?: AbortSignal | undefined;
  /** Called once a second. */
  progress(line: string): void;
}

/** A send this much later than its scheduled time counts as late: the client fell behind. */
export const LATE_SEND_MS = 10;

/** Kind under `errors` of an event that was due while `maxInFlight` requests were open. */
export const NOT_SENT_IN_FLIGHT_CAP = "not sent (in-flight cap)";

/**
 * An open loop: event i is due at `start + i / rate`, and is sent then whether or not earlier
 * requests were answered. Its latency runs from that scheduled time, not from when the client got
 * round to sending it, so a stalled api (or client) shows as latency instead of as fewer,
 * faster requests (coordinated omission). Events whose scheduled time falls in the warm-up are
 * sent but not counted.
 */
export async function driveOpenLoop(options: OpenLoopOptions): Promise<LoadResult> {
  const poster = createApiPoster({ url: options.url, key: options.key, maxSockets: options.maxInFlight });
  const latency = new LatencyRecorder();
  const result = { errors: {} as Record<string, number>, errorSamples: {} as Record<string, string> };
  const warmup = { requests: 0, accepted: 0 };
  const open = {
    offeredPerSecond: options.ratePerSecond,
    scheduled: 0,
    sent: 0,
    maxInFlight: options.maxInFlight,
    peakInFlight: 0,
    lateSends: 0,
    maxSendLagMs: 0,
  };
  let accepted = 0;
  let lastAnswerAt = 0;

  const intervalMs = 1_000 / options.ratePerSecond;
  const start = performance.now();
  const windowStart = start + options.warmupMs;
  const windowEnd = windowStart + options.durationMs;
  const inFlight = new Set<Promise<void>>();
  let cpu = options.warmupMs > 0 ? undefined : startCpuMeter();

  const fire = (scheduledAt: number) => {
    const measured = scheduledAt >= windowStart;
    if (measured) {
      cpu ??= startCpuMeter();
      open.scheduled++;
    }
    if (inFlight.size >= options.maxInFlight) {
      if (measured) countError(result, NOT_SENT_IN_FLIGHT_CAP, `${options.maxInFlight} requests were open`);
      // Not sent, so not consumed: the event source's order stays the order of sent events.
      return;
    }
    const body = toRequestBody(options.events.next());
    const lag = performance.now() - scheduledAt;
    if (measured) {
      open.sent++;
      if (lag > LATE_SEND_MS) open.lateSends++;
      open.maxSendLagMs = Math.max(open.maxSendLagMs, lag);
    }
    const request: Promise<void> = poster.post("/v1/events", body).then((outcome) => {
      inFlight.delete(request);
      answered++;
      if (!measured) {
        warmup.requests++;
        if (outcome.kind === "202") warmup.accepted++;
        return;
      }
      lastAnswerAt = performance.now();
      latency.record(lastAnswerAt - scheduledAt);
      if (outcome.kind === "202") accepted++;
      else countError(result, outcome.kind, outcome.body);
    });
    inFlight.add(request);
    open.peakInFlight = Math.max(open.peakInFlight, inFlight.size);
  };

  let ticks = 0;
  let answered = 0;
  let answeredAtLastTick = 0;
  const ticker = setInterval(() => {
    ticks++;
    const inWindow = performance.now() >= windowStart;
    options.progress(
      `${inWindow ? "window" : "warm-up"} ${String(ticks).padStart(3)}s: ${answered - answeredAtLastTick} answered/s` +
        ` (warm-up's included), ${inFlight.size} in flight; window: ${open.sent} sent, ${accepted} accepted, ${errorTotal(result)} errors`,
    );
    answeredAtLastTick = answered;
  }, 1_000);

  // The schedule: each wake-up sends every event already due, then sleeps until the next one.
  await new Promise<void>((resolve) => {
    let next = 0;
    const stop = () => {
      options.signal?.removeEventListener("abort", stop);
      clearTimeout(timer);
      resolve();
    };
    let timer: NodeJS.Timeout | undefined;
    const tick = () => {
      const now = performance.now();
      for (;;) {
        const scheduledAt = start + next * intervalMs;
        if (scheduledAt >= windowEnd) return stop();
        if (scheduledAt > now) break;
        fire(scheduledAt);
        next++;
      }
      timer = setTimeout(tick, Math.max(0, start + next * intervalMs - performance.now()));
    };
    options.signal?.addEventListener("abort", stop);
    if (options.signal?.aborted) return stop();
    tick();
  });
  await Promise.all(inFlight);
  clearInterval(ticker);
  poster.close();
  const clientCpuPct = cpu?.stop() ?? 0;
  const elapsedMs = Math.max(options.durationMs, lastAnswerAt - windowStart);
  return {
    mode: "open",
    accepted,
    ...result,
    elapsedMs,
    eventsPerSecond: accepted / (elapsedMs / 1_000),
    latency: latency.summary(),
    clientCpuPct,
    warmup,
    open,
  };
}
