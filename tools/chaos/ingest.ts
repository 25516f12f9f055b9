/**
 * Trigger events as a careful client sends them to an api that may die: paced at a fixed rate,
 * each retried with its own idempotency key on a network error, 429 or 5xx until the api
 * acknowledges it (202), so "acknowledged" is exactly what the api promised to keep.
 */
import type { ApiPoster } from "../bench/http-post.js";

export interface ChaosEvent {
  idempotencyKey: string;
  body: string;
}

export interface IngestResult {
  /** Idempotency keys of the events the api acknowledged with 202. */
  acked: string[];
  /** Events refused for good (a 4xx), or still failing when their retry time ran out. */
  refused: { idempotencyKey: string; outcome: string }[];
  /** Attempts that were retried, by what they got: `ECONNREFUSED`, `503`, … */
  retriedBy: Record<string, number>;
}

const RETRY_BASE_MS = 100;
const RETRY_MAX_MS = 2_000;

/** Retried: no answer at all, throttled, or the server's fault. Anything else 4xx is final. */
function retryable(kind: string): boolean {
  if (!/^\d+$/.test(kind)) return true;
  const status = Number(kind);
  return status === 408 || status === 429 || status >= 500;
}

export async function ingestWithRetries(options: {
  poster: ApiPoster;
  events: readonly ChaosEvent[];
  ratePerSecond: number;
  /** How long one event may keep failing before it counts as refused. */
  retryForMs: number;
  /** Called after each acknowledgement with the count so far. */
  onAck?(acked: number): void;
  signal?: AbortSignal;
}): Promise<IngestResult> {
  const result: IngestResult = { acked: [], refused: [], retriedBy: {} };
  const deliver = async (event: ChaosEvent) => {
    const deadline = performance.now() + options.retryForMs;
    for (let attempt = 0; ; attempt++) {
      const outcome = await options.poster.post("/v1/events", event.body);
      if (outcome.kind === "202") {
        result.acked.push(event.idempotencyKey);
        options.onAck?.(result.acked.length);
        return;
      }
      if (!retryable(outcome.kind) || performance.now() >= deadline || options.signal?.aborted) {
        result.refused.push({
          idempotencyKey: event.idempotencyKey,
          outcome: `${outcome.kind} ${outcome.body.slice(0, 200)}`,
        });
        return;
      }
      result.retriedBy[outcome.kind] = (result.retriedBy[outcome.kind] ?? 0) + 1;
      await sleep(Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** attempt));
    }
  };
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (const [i, event] of options.events.entries()) {
    if (options.signal?.aborted) break;
    const due = started + (i * 1_000) / options.ratePerSecond;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    inFlight.push(deliver(event));
  }
  await Promise.all(inFlight);
  return result;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
