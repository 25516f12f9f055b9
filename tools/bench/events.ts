/**
 * The benchmark's events: product events as an app would send them, spread over a pool of
 * users. Seeded, so the api run and the direct-Postgres baseline write the same rows.
 */
import { seededRandom } from "@hogsend/devstack";

export interface BenchEvent {
  name: string;
  userId: string;
  email: string;
  eventProperties: Record<string, unknown>;
  /** Sent with some events only, as apps do when a trait changes. */
  contactProperties?: Record<string, unknown>;
  idempotencyKey: string;
}

const EVENT_MIX: ReadonlyArray<readonly [name: string, weight: number]> = [
  ["page_viewed", 50],
  ["feature_used", 25],
  ["project_created", 10],
  ["invite_sent", 10],
  ["plan_upgraded", 5],
];
/** Every event name the benchmark sends. */
export const BENCH_EVENT_NAMES = EVENT_MIX.map(([name]) => name);
const TOTAL_WEIGHT = EVENT_MIX.reduce((sum, [, w]) => sum + w, 0);
const PLANS = ["free", "starter", "pro", "enterprise"] as const;
const PATHS = ["/", "/projects", "/projects/new", "/settings", "/billing", "/docs/getting-started"] as const;

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T;
}

function pickEventName(random: () => number): string {
  let roll = random() * TOTAL_WEIGHT;
  for (const [name, weight] of EVENT_MIX) {
    roll -= weight;
    if (roll < 0) return name;
  }
  return EVENT_MIX[0]?.[0] ?? "page_viewed";
}

export interface EventSource {
  /** The next event; its idempotency key is `<keyPrefix>-<n>`, unique within the run. */
  next(): BenchEvent;
  /** How many events were handed out. */
  readonly issued: number;
}

/** Every user id starts with this, so bench contacts are recognisable in a shared database. */
export const BENCH_USER_PREFIX = "bench-user-";

export function createEventSource(options: { keyPrefix: string; users: number; seed: number }): EventSource {
  const random = seededRandom(options.seed);
  let issued = 0;
  return {
    get issued() {
      return issued;
    },
    next() {
      const n = issued++;
      const user = Math.floor(random() * options.users);
      const name = pickEventName(random);
      const plan = pick(PLANS, random);
      const event: BenchEvent = {
        name,
        userId: `${BENCH_USER_PREFIX}${user}`,
        email: `${BENCH_USER_PREFIX}${user}@example.com`,
        eventProperties: {
          path: pick(PATHS, random),
          plan,
          durationMs: Math.floor(random() * 5_000),
          source: "bench",
        },
        idempotencyKey: `${options.keyPrefix}-${n}`,
      };
      if (random() < 0.2) event.contactProperties = { plan, lastEvent: name };
      return event;
    },
  };
}

/** The POST /v1/events body for an event. */
export function toRequestBody(event: BenchEvent): string {
  return JSON.stringify({
    name: event.name,
    userId: event.userId,
    email: event.email,
    eventProperties: event.eventProperties,
    ...(event.contactProperties ? { contactProperties: event.contactProperties } : {}),
    idempotencyKey: event.idempotencyKey,
  });
}

/**
 * Trigger events for a journey: one per new user, so each may enrol (an `entryLimit` of `once`
 * refuses no one). Keys are `<keyPrefix>-<n>`.
 */
export function createTriggerSource(options: { keyPrefix: string; event: string }): EventSource {
  let issued = 0;
  return {
    get issued() {
      return issued;
    },
    next() {
      const n = issued++;
      const userId = `${options.keyPrefix}-user-${n}`;
      return {
        name: options.event,
        userId,
        email: `${userId}@example.com`,
        eventProperties: { plan: "free", source: "bench" },
        contactProperties: { firstName: `Bench ${n}` },
        idempotencyKey: `${options.keyPrefix}-${n}`,
      };
    },
  };
}
