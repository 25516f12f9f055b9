import http from "node:http";
import https from "node:https";
import { type EventSource, toRequestBody } from "./events.js";
import { LatencyRecorder, type LatencySummary } from "./latency.js";

export interface LoadOptions {
  /** Base URL of the api, without a trailing slash. */
  url: string;
  key: string;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  events: EventSource;
  /** Stops the load early (Ctrl-C). */
  signal?: AbortSignal;
  /** Called once a second with the accepted rate over that second. */
  progress(line: string): void;
}

export interface LoadResult {
  /** 202s answered for requests sent inside the measured window. */
  accepted: number;
  /** Everything else in the window, by HTTP status or network error code. */
  errors: Record<string, number>;
  /** The first response body seen for each error kind, to tell what went wrong. */
  errorSamples: Record<string, string>;
  /** From the start of the window until the last request sent in it was answered. */
  elapsedMs: number;
  eventsPerSecond: number;
  latency: LatencySummary;
  /** Requests (any outcome) and 202s during the warm-up, not part of the figures. */
  warmup: { requests: number; accepted: number };
}

interface Outcome {
  /** `202`, another status, or an error code such as `ECONNRESET`. */
  kind: string;
  body: string;
}

const REQUEST_TIMEOUT_MS = 30_000;

/**
 * A closed loop: `concurrency` workers, each sending one event and waiting for its answer
 * before sending the next, over keep-alive connections (one per worker). A warm-up phase
 * opens the connections and warms the api's pools; only requests sent inside the measured
 * window count.
 */
export async function driveIngest(options: LoadOptions): Promise<LoadResult> {
  const target = new URL(`${options.url}/v1/events`);
  const transport = target.protocol === "https:" ? https : http;
  const agent = new transport.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latency = new LatencyRecorder();
  const errors: Record<string, number> = {};
  const errorSamples: Record<string, string> = {};
  const warmup = { requests: 0, accepted: 0 };
  let accepted = 0;

  const send = (body: string): Promise<Outcome> =>
    new Promise((resolve) => {
      const req = transport.request(
        target,
        {
          method: "POST",
          agent,
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
            authorization: `Bearer ${options.key}`,
          },
          timeout: REQUEST_TIMEOUT_MS,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({ kind: String(res.statusCode), body: Buffer.concat(chunks).toString("utf8") }),
          );
          res.on("error", (err: NodeJS.ErrnoException) =>
            resolve({ kind: err.code ?? "ERESPONSE", body: "" }),
          );
        },
      );
      req.on("timeout", () => req.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
      req.on("error", (err: NodeJS.ErrnoException) =>
        resolve({ kind: err.code ?? "EREQUEST", body: err.message }),
      );
      req.end(body);
    });

  let phase: "warmup" | "measure" | "stop" = options.warmupMs > 0 ? "warmup" : "measure";
  let windowStart = performance.now();
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
      const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);
      options.progress(
        `${String(ticks).padStart(3)}s: ${accepted - acceptedAtLastTick} events/s` +
          ` (${(accepted / ticks).toFixed(0)} events/s so far, ${accepted} accepted, ${errorCount} errors)`,
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
      const outcome = await send(body);
      const ms = performance.now() - started;
      if (sentIn === "warmup") {
        warmup.requests++;
        if (outcome.kind === "202") warmup.accepted++;
        continue;
      }
      latency.record(ms);
      if (outcome.kind === "202") {
        accepted++;
      } else {
        errors[outcome.kind] = (errors[outcome.kind] ?? 0) + 1;
        errorSamples[outcome.kind] ??= outcome.body.slice(0, 300);
      }
    }
  };

  const workers = Array.from({ length: options.concurrency }, worker);
  const aborted = new Promise<void>((resolve) => options.signal?.addEventListener("abort", () => resolve()));
  const wait = (ms: number) => Promise.race([sleep(ms), aborted]);
  if (phase === "warmup") {
    await wait(options.warmupMs);
    phase = "measure";
    windowStart = performance.now();
    clearInterval(ticker);
    ticker = startTicker();
  }
  await wait(options.durationMs);
  phase = "stop";
  await Promise.all(workers);
  const elapsedMs = performance.now() - windowStart;
  clearInterval(ticker);
  agent.destroy();
  return {
    accepted,
    errors,
    errorSamples,
    elapsedMs,
    eventsPerSecond: accepted / (elapsedMs / 1_000),
    latency: latency.summary(),
    warmup,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
