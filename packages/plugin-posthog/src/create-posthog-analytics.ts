import { PostHog } from "posthog-node";
import { errorMessage, type PostHogLogger } from "./logger.js";

/**
 * The `$lib` every capture carries. The PostHog webhook source drops events whose
 * `properties.$lib` is this, so what we mirror to PostHog never comes back in as a new event.
 */
export const HOGSEND_LIB = "hogsend";

/**
 * posthog-node stamps `$lib` from `getLibraryId()` after the caller's properties (callers cannot
 * override it), so the marker has to come from the client itself.
 */
class HogsendPostHog extends PostHog {
  override getLibraryId(): string {
    return HOGSEND_LIB;
  }
}

/** One event for PostHog. */
export interface AnalyticsEvent {
  distinctId: string;
  event: string;
  properties?: Record<string, unknown>;
  /** When it happened (default: now). */
  timestamp?: Date;
  /** A UUID; the same one on a replay lets PostHog keep one event (see `eventUuid`). */
  uuid?: string;
}

/** Captures events in the background and flushes them on shutdown. */
export interface PostHogAnalytics {
  /** Queues the event; never throws (failures are logged). */
  capture(event: AnalyticsEvent): void;
  /** Flushes what is queued, waiting at most `timeoutMs` (default 5 s); never throws. */
  shutdown(timeoutMs?: number): Promise<void>;
}

export interface PostHogAnalyticsOptions {
  /** Project API key (`phc_…`). */
  apiKey: string;
  /** Ingestion host, e.g. `https://us.i.posthog.com`; tests point it at a local fake. */
  host: string;
  /** Send when this many events are queued (default 20). */
  flushAt?: number;
  /** Send at least this often, in ms (default 10 s). */
  flushInterval?: number;
  logger?: PostHogLogger;
}

const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5_000;

/** The PostHog side of analytics, on the official posthog-node SDK. */
export function createPostHogAnalytics(options: PostHogAnalyticsOptions): PostHogAnalytics {
  if (!options.apiKey) throw new Error("createPostHogAnalytics: apiKey is required (POSTHOG_API_KEY)");
  const { logger } = options;
  const client = new HogsendPostHog(options.apiKey, {
    host: options.host.replace(/\/+$/, ""),
    flushAt: options.flushAt ?? 20,
    flushInterval: options.flushInterval ?? 10_000,
    // Server-side events: PostHog must not geolocate our server's IP onto the person.
    disableGeoip: true,
  });
  client.on("error", (err: unknown) => logger?.warn("posthog capture failed", { error: errorMessage(err) }));
  let stopped = false;
  let stopping: Promise<void> | undefined;

  return {
    capture(event) {
      if (stopped) {
        logger?.warn("posthog capture after shutdown dropped", { event: event.event });
        return;
      }
      try {
        client.capture({
          distinctId: event.distinctId,
          event: event.event,
          properties: event.properties ?? {},
          ...(event.timestamp ? { timestamp: event.timestamp } : {}),
          ...(event.uuid ? { uuid: event.uuid } : {}),
        });
      } catch (err) {
        logger?.warn("posthog capture failed", { event: event.event, error: errorMessage(err) });
      }
    },
    shutdown(timeoutMs = DEFAULT_SHUTDOWN_TIMEOUT_MS) {
      stopped = true;
      stopping ??= client.shutdown(timeoutMs).catch((err: unknown) => {
        logger?.warn("posthog flush on shutdown failed", { error: errorMessage(err) });
      });
      return stopping;
    },
  };
}
