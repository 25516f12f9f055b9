import { applyNamespace } from "@hatchet-dev/typescript-sdk/util/apply-namespace.js";
import {
  completeOutboxEvents,
  EVENT_OUTBOX_CHANNEL,
  failOutboxEvents,
  type LeasedEvent,
  leaseOutboxEvents,
} from "@hogsend/db";
import type { HogsendClient } from "../platform/client.js";
import { withDeadline } from "../platform/deadline.js";
import { createDrainLoop } from "../platform/drain-loop.js";

/** What a journey receives for an event: keyed on the contact, the canonical user key. */
export interface PushedEventPayload {
  eventId: string;
  userKey: string;
  properties: Record<string, unknown>;
  occurredAt: string;
}

export interface OutboxPusherOptions {
  /** Rows leased per round. */
  leaseLimit?: number;
  /** How long a leased row stays invisible to other pushers (a pusher that dies mid-push). */
  leaseMs?: number;
  /** Payload bytes per bulk call, well under gRPC's 4 MiB message limit. */
  maxBatchBytes?: number;
  /** Bulk calls in flight at once. */
  concurrency?: number;
  /** Deadline of one bulk call. */
  pushDeadlineMs?: number;
  /** The safety-net sweep, for rows whose backoff ran out and wake-ups that never came. */
  sweepMs?: number;
  /** Longest backoff after a failed try. */
  maxBackoffMs?: number;
}

export interface PushRound {
  pushed: number;
  failed: number;
  parked: number;
}

export interface OutboxPusher {
  /** Asks for a drain now; wake-ups during a drain coalesce into one more. Never throws. */
  wake(): void;
  /** Pushes until nothing is due; what tests and the sweep call. */
  drain(): Promise<PushRound>;
  /** Listens for other processes' wake-ups (LISTEN/NOTIFY) and starts the sweep. Idempotent. */
  start(): void;
  /** Stops listening and sweeping and waits for the drain in flight; later wake-ups do nothing. */
  stop(): Promise<void>;
}

/** gRPC codes that blame the request itself, not the engine being away (3, 9, 11). */
const REFUSED_CODES = new Set([3, 9, 11]);

/** Whether the engine refused these events themselves (a retry would fail the same way). */
function isRefusal(err: unknown): boolean {
  const cause = (err as { cause?: { code?: unknown } }).cause;
  const code = cause?.code ?? (err as { code?: unknown }).code;
  if (typeof code === "number" && REFUSED_CODES.has(code)) return true;
  // gRPC says RESOURCE_EXHAUSTED both for a rate limit and for a message over the size limit.
  return /larger than/i.test((err as Error).message ?? "");
}

const payloadOf = (e: LeasedEvent): PushedEventPayload => ({
  eventId: e.id,
  userKey: e.userKey,
  properties: e.properties,
  occurredAt: e.occurredAt.toISOString(),
});

/**
 * Carries queued events from `event_outbox` to Hatchet, off the request path. One per process;
 * pushers in other processes share the work through `FOR UPDATE SKIP LOCKED` leases. Events go
 * out in mixed-name bulk calls, in outbox order, sized by bytes, and leave the outbox once the engine accepted
 * them (delivery is at least once). A failed call backs its events off, capped; events the engine
 * refused as a batch are retried one by one, and one refused on its own is parked with its error,
 * so a poison event never holds up the events behind it.
 */
export function createOutboxPusher(
  client: Pick<HogsendClient, "db" | "hatchet" | "logger">,
  options: OutboxPusherOptions = {},
): OutboxPusher {
  const { sql } = client.db;
  const leaseLimit = options.leaseLimit ?? 500;
  const leaseMs = options.leaseMs ?? 30_000;
  const maxBatchBytes = options.maxBatchBytes ?? 1024 * 1024;
  const concurrency = options.concurrency ?? 4;
  const pushDeadlineMs = options.pushDeadlineMs ?? 5_000;
  const sweepMs = options.sweepMs ?? 5_000;
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;

  /** Bulk calls in outbox order, mixed names, cut by payload bytes; events refused before go alone. */
  function callsFor(events: LeasedEvent[]): LeasedEvent[][] {
    const calls: LeasedEvent[][] = [];
    let call: LeasedEvent[] = [];
    let bytes = 0;
    for (const e of events) {
      if (e.lastErrorPermanent) {
        calls.push([e]);
        continue;
      }
      const size = JSON.stringify(e.properties).length + e.event.length + 200;
      if (call.length > 0 && bytes + size > maxBatchBytes) {
        calls.push(call);
        call = [];
        bytes = 0;
      }
      call.push(e);
      bytes += size;
    }
    if (call.length > 0) calls.push(call);
    return calls;
  }

  /**
   * One BulkPush of events with different names. The SDK's `bulkPush` takes a single name, so this
   * calls the engine's gRPC method itself, as the SDK does (namespaced key, JSON payload and
   * metadata), and without the SDK's in-call retries: the outbox's backoff is the retry.
   */
  const bulkPush = (call: LeasedEvent[]) => {
    const { events } = client.hatchet;
    return events.client.bulkPush({
      events: call.map((e) => ({
        key: applyNamespace(e.event, events.config.namespace),
        payload: JSON.stringify(payloadOf(e)),
        eventTimestamp: new Date(),
        additionalMetadata: JSON.stringify({ userKey: e.userKey, eventId: e.id }),
        // Scope lets a durable wait filter on the user inside Hatchet.
        scope: e.userKey,
      })),
    });
  };

  async function pushCall(call: LeasedEvent[], round: PushRound) {
    const [first] = call;
    if (!first) return;
    try {
      await withDeadline(bulkPush(call), pushDeadlineMs, "hatchet event push");
      await completeOutboxEvents(
        sql,
        call.map((e) => e.id),
      );
      round.pushed += call.length;
    } catch (err) {
      const refused = isRefusal(err);
      const park = refused && call.length === 1;
      const attempts = Math.max(...call.map((e) => e.attempts));
      const retryInMs = Math.min(maxBackoffMs, 250 * 2 ** Math.min(attempts, 10)) * (0.5 + Math.random() / 2);
      const error = (err as Error).message ?? String(err);
      await failOutboxEvents(
        sql,
        call.map((e) => e.id),
        { error, permanent: refused, park, retryInMs },
      );
      if (park) {
        round.parked += 1;
        client.logger.error("the workflow engine refused an event; it is parked in event_outbox", {
          eventId: first.id,
          event: first.event,
          error,
        });
      } else {
        round.failed += call.length;
        client.logger.warn("events not yet pushed to Hatchet; they stay queued and back off", {
          count: call.length,
          retryInMs: Math.round(retryInMs),
          error,
        });
      }
    }
  }

  async function drainOnce(): Promise<PushRound> {
    const round: PushRound = { pushed: 0, failed: 0, parked: 0 };
    while (!loop.stopped) {
      const leased = await leaseOutboxEvents(sql, { limit: leaseLimit, leaseMs });
      if (leased.length === 0) break;
      const before = round.pushed;
      const calls = callsFor(leased);
      const workers = Array.from({ length: Math.min(concurrency, calls.length) }, async () => {
        for (let call = calls.shift(); call; call = calls.shift()) await pushCall(call, round);
      });
      await Promise.all(workers);
      // Nothing went through: the engine is away. The rows are backed off; the sweep comes back.
      if (round.pushed === before) break;
    }
    return round;
  }

  const loop = createDrainLoop(client, {
    name: "event outbox",
    channel: EVENT_OUTBOX_CHANNEL,
    sweepMs,
    drainOnce,
  });

  return {
    wake: loop.wake,
    async drain() {
      const total: PushRound = { pushed: 0, failed: 0, parked: 0 };
      for (const round of await loop.drain()) {
        total.pushed += round.pushed;
        total.failed += round.failed;
        total.parked += round.parked;
      }
      return total;
    },
    start: loop.start,
    stop: loop.stop,
  };
}
