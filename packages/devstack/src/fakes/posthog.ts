import {
  type FakeReply,
  type FakeVendorServer,
  type RecordedRequest,
  startFakeVendor,
} from "./fake-server.js";

/** One event the fake PostHog captured. */
export interface FakePostHogEvent {
  apiKey: string | undefined;
  event: string;
  distinctId: string;
  properties: Record<string, unknown>;
  timestamp: string | undefined;
  uuid: string | undefined;
}

export interface FakePostHog extends FakeVendorServer {
  /** Captured events in arrival order, across `/batch/` and single-event endpoints. */
  readonly events: FakePostHogEvent[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function toEvent(raw: unknown, apiKey: unknown): FakePostHogEvent | undefined {
  if (!isRecord(raw) || typeof raw.event !== "string") return undefined;
  const properties = isRecord(raw.properties) ? raw.properties : {};
  const distinctId = raw.distinct_id ?? properties.distinct_id;
  return {
    apiKey: typeof (raw.api_key ?? apiKey) === "string" ? String(raw.api_key ?? apiKey) : undefined,
    event: raw.event,
    distinctId: typeof distinctId === "string" ? distinctId : String(distinctId ?? ""),
    properties,
    timestamp: typeof raw.timestamp === "string" ? raw.timestamp : undefined,
    uuid: typeof raw.uuid === "string" ? raw.uuid : undefined,
  };
}

/**
 * A local stand-in for PostHog ingestion as posthog-node uses it: `POST /batch/` (gzipped or
 * not), the single-event `/i/v0/e/` and `/capture/`, and an empty `/flags/` answer.
 */
export async function startFakePostHog(): Promise<FakePostHog> {
  const events: FakePostHogEvent[] = [];

  const capture = (request: RecordedRequest): FakeReply => {
    const body = request.body;
    const items = Array.isArray(body)
      ? body
      : isRecord(body) && Array.isArray(body.batch)
        ? body.batch
        : [body];
    const apiKey = isRecord(body) ? body.api_key : undefined;
    const parsed = items.map((item) => toEvent(item, apiKey));
    if (parsed.some((e) => e === undefined)) {
      return { status: 400, body: { type: "validation_error", detail: "every event needs an `event` name" } };
    }
    events.push(...(parsed as FakePostHogEvent[]));
    return { status: 200, body: { status: 1 } };
  };

  const server = await startFakeVendor({
    name: "posthog",
    errorBody: (status) => ({ type: "server_error", detail: `Scripted failure ${status}.` }),
    reset: () => {
      events.length = 0;
    },
    handle: (request) => {
      if (request.method !== "POST") return { status: 404, body: { detail: "Not found." } };
      if (["/batch/", "/i/v0/e/", "/capture/", "/e/"].includes(request.path)) return capture(request);
      if (request.path === "/flags/" || request.path === "/decide/") {
        return { status: 200, body: { featureFlags: {}, featureFlagPayloads: {}, flags: {} } };
      }
      return { status: 404, body: { detail: "Not found." } };
    },
  });
  return Object.assign(server, { events });
}
