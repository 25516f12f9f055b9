import { createApiPoster } from "./http-post.js";
import { LatencyRecorder, type LatencySummary } from "./latency.js";
import { countError } from "./load.js";
import { startCpuMeter } from "./process-stats.js";

/** One enqueue request: a POST /v1/emails, or the trigger event of a journey that sends at once. */
interface SendRequest {
  path: "/v1/emails" | "/v1/events";
  body: string;
}

export interface SendPlan {
  /** Sends planned in all, and how many of them journeys make. */
  count: number;
  journeySends: number;
  contacts: number;
  /** Every contact's user id starts with this: `<prefix><n>`. */
  userPrefix: string;
  /** The i-th request, 0 ≤ i < count. */
  request(i: number): SendRequest;
}

/**
 * `count` sends to `contacts` contacts, keyed under `keyPrefix`: `round(count × journeyShare)` of
 * them as one `trigger` event per contact (its journey sends once at enrollment), spread evenly
 * between the POST /v1/emails of the rest, which go round the contacts in turn. Every request
 * names the contact by user id and address, as a product would, so both paths meet one contact.
 */
export function planSends(options: {
  keyPrefix: string;
  count: number;
  contacts: number;
  journeyShare: number;
  template: string;
  props: Record<string, unknown>;
  trigger: string;
}): SendPlan {
  const { keyPrefix, count, contacts } = options;
  const journeySends = Math.round(count * options.journeyShare);
  if (journeySends > contacts) throw new Error(`${journeySends} journey sends need as many contacts`);
  const userPrefix = `${keyPrefix}-user-`;
  const user = (n: number) => ({ userId: `${userPrefix}${n}`, email: `${userPrefix}${n}@example.com` });
  // Request i is a trigger when it crosses the next multiple of count / journeySends.
  const triggersBefore = (i: number) => Math.floor((i * journeySends) / count);
  return {
    count,
    journeySends,
    contacts,
    userPrefix,
    request(i) {
      const triggers = triggersBefore(i);
      if (triggersBefore(i + 1) > triggers) {
        const { userId, email } = user(triggers);
        return {
          path: "/v1/events",
          body: JSON.stringify({
            name: options.trigger,
            userId,
            email,
            eventProperties: { source: "bench" },
            // The journey's template greets by first name: one render per contact, as in production.
            contactProperties: { firstName: `Bench${triggers}` },
            idempotencyKey: `${keyPrefix}-signup-${triggers}`,
          }),
        };
      }
      const n = i - triggers;
      const { userId, email } = user(n % contacts);
      return {
        path: "/v1/emails",
        body: JSON.stringify({
          to: email,
          userId,
          template: options.template,
          props: options.props,
          idempotencyKey: `${keyPrefix}-email-${n}`,
        }),
      };
    },
  };
}

export interface EnqueueResult {
  requested: number;
  /** 202s, by path. */
  accepted: { emails: number; events: number };
  errors: Record<string, number>;
  errorSamples: Record<string, string>;
  /** From the first request to the last answer. */
  elapsedMs: number;
  /** Per request, send to answer. */
  latency: LatencySummary;
  clientCpuPct: number;
}

/** Sends every request of the plan, `concurrency` at a time (closed loop, keep-alive). */
export async function enqueueSends(options: {
  url: string;
  key: string;
  concurrency: number;
  plan: SendPlan;
  signal?: AbortSignal | undefined;
}): Promise<EnqueueResult> {
  const poster = createApiPoster({ url: options.url, key: options.key, maxSockets: options.concurrency });
  const latency = new LatencyRecorder();
  const tally = { errors: {} as Record<string, number>, errorSamples: {} as Record<string, string> };
  const accepted = { emails: 0, events: 0 };
  const cpu = startCpuMeter();
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < options.plan.count && !options.signal?.aborted) {
      const { path, body } = options.plan.request(next++);
      const t0 = performance.now();
      const outcome = await poster.post(path, body);
      latency.record(performance.now() - t0);
      if (outcome.kind !== "202") countError(tally, `${path} ${outcome.kind}`, outcome.body);
      else if (path === "/v1/emails") accepted.emails++;
      else accepted.events++;
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    poster.close();
  }
  return {
    requested: options.plan.count,
    accepted,
    ...tally,
    elapsedMs: performance.now() - started,
    latency: latency.summary(),
    clientCpuPct: cpu.stop(),
  };
}
