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

/** A person the fake's REST API answers with, as `GET /api/projects/:id/persons/` lists it. */
export interface FakePostHogPerson {
  distinctIds: string[];
  properties: Record<string, unknown>;
}

export interface FakePostHogOptions {
  /** When set, the REST API answers 401 unless `Authorization: Bearer <personalApiKey>`. */
  personalApiKey?: string;
  /** When set, the REST API answers 404 for any other project id. */
  projectId?: string;
}

export interface FakePostHog extends FakeVendorServer {
  /** Captured events in arrival order, across `/batch/` and single-event endpoints. */
  readonly events: FakePostHogEvent[];
  /** Persons the REST API knows; `reset()` forgets them. */
  readonly persons: FakePostHogPerson[];
  /** Adds a person (or replaces the one holding the first distinct id). */
  setPerson(distinctIds: string | string[], properties: Record<string, unknown>): void;
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

const PERSONS_PATH = /^\/api\/(?:projects|environments)\/([^/]+)\/persons\/?$/;

/**
 * A local stand-in for PostHog ingestion as posthog-node uses it: `POST /batch/` (gzipped or
 * not), the single-event `/i/v0/e/` and `/capture/`, and an empty `/flags/` answer; plus the
 * REST API's person list (`GET /api/projects/:project_id/persons/?distinct_id=`, personal key).
 */
export async function startFakePostHog(options: FakePostHogOptions = {}): Promise<FakePostHog> {
  const events: FakePostHogEvent[] = [];
  const persons: FakePostHogPerson[] = [];

  const listPersons = (request: RecordedRequest, projectId: string): FakeReply => {
    if (options.personalApiKey && request.headers.authorization !== `Bearer ${options.personalApiKey}`) {
      return {
        status: 401,
        body: {
          type: "authentication_error",
          code: "authentication_failed",
          detail: "Personal API key is invalid.",
          attr: null,
        },
      };
    }
    if (options.projectId && decodeURIComponent(projectId) !== options.projectId) {
      return {
        status: 404,
        body: { type: "invalid_request", code: "not_found", detail: "Not found.", attr: null },
      };
    }
    const distinctId = request.query.distinct_id;
    const matching =
      distinctId === undefined ? persons : persons.filter((p) => p.distinctIds.includes(distinctId));
    return {
      status: 200,
      body: {
        next: null,
        previous: null,
        results: matching.map((p, index) => ({
          id: index + 1,
          uuid: `00000000-0000-4000-8000-${String(index + 1).padStart(12, "0")}`,
          name: typeof p.properties.email === "string" ? p.properties.email : (p.distinctIds[0] ?? ""),
          distinct_ids: p.distinctIds,
          properties: p.properties,
          created_at: "2026-01-01T00:00:00Z",
          last_seen_at: null,
        })),
      },
    };
  };

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
      persons.length = 0;
    },
    handle: (request) => {
      const personsPath = PERSONS_PATH.exec(request.path);
      if (personsPath && request.method === "GET") return listPersons(request, personsPath[1] ?? "");
      if (request.method !== "POST") return { status: 404, body: { detail: "Not found." } };
      if (["/batch/", "/i/v0/e/", "/capture/", "/e/"].includes(request.path)) return capture(request);
      if (request.path === "/flags/" || request.path === "/decide/") {
        return { status: 200, body: { featureFlags: {}, featureFlagPayloads: {}, flags: {} } };
      }
      return { status: 404, body: { detail: "Not found." } };
    },
  });
  const setPerson = (distinctIds: string | string[], properties: Record<string, unknown>) => {
    const ids = Array.isArray(distinctIds) ? distinctIds : [distinctIds];
    const existing = persons.findIndex((p) => ids[0] !== undefined && p.distinctIds.includes(ids[0]));
    const person = { distinctIds: ids, properties };
    if (existing >= 0) persons[existing] = person;
    else persons.push(person);
  };
  return Object.assign(server, { events, persons, setPerson });
}
