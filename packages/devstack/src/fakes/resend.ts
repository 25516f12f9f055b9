import { createHash, randomUUID } from "node:crypto";
import {
  type FakeRateLimit,
  type FakeReply,
  type FakeVendorServer,
  type FaultMix,
  type RecordedRequest,
  startFakeVendor,
} from "./fake-server.js";
import { createSendLedger, type SendLedger } from "./send-ledger.js";

/** An email the fake Resend accepted, in the API's wire shape (`reply_to`, `tags: [{name,value}]`). */
export interface FakeResendEmail {
  id: string;
  payload: Record<string, unknown>;
  idempotencyKey: string | undefined;
  /** True when it came through `POST /emails/batch`. */
  batch: boolean;
}

export interface FakeResend extends FakeVendorServer {
  /** Accepted emails in order; idempotent replays are not counted twice. Empty when `record` is false. */
  readonly emails: FakeResendEmail[];
  /**
   * Ids issued per message idempotency key: the `idempotency_key` tag of each email, else the
   * `Idempotency-Key` header of a single send. A key with two ids was delivered twice.
   */
  readonly ledger: SendLedger;
}

/** Resend's published limit: 5 requests per second per team (2 on some older plans). */
const RESEND_SERVER_LIMIT: FakeRateLimit = { requestsPerSecond: 5, burst: 5 };

export interface FakeResendOptions {
  /** When set, any other bearer token is refused with 403 `invalid_api_key`. */
  apiKey?: string;
  /** Keep requests and email payloads for assertions (default true); false keeps counts and ids only. */
  record?: boolean;
  port?: number;
  /** `"resend"`: 429 with `Retry-After` beyond Resend's 5 requests/s; default unlimited. */
  limit?: "resend" | FakeRateLimit;
  /** Random 429s, 500s and unanswered requests, as a flaky vendor would give. */
  faults?: FaultMix;
}

/** Resend's batch limit. */
const MAX_BATCH = 100;

function error(status: number, name: string, message: string): FakeReply {
  return { status, body: { statusCode: status, name, message } };
}

function errorBody(status: number) {
  const byStatus: Record<number, [string, string]> = {
    401: ["missing_api_key", "Missing API key in the authorization header."],
    403: ["invalid_api_key", "API key is invalid."],
    409: ["concurrent_idempotent_requests", "Same idempotency key used while a request is in progress."],
    422: ["validation_error", "Invalid request."],
    429: ["rate_limit_exceeded", "Too many requests. You can only make 5 requests per second."],
    500: ["internal_server_error", "An unexpected error occurred."],
  };
  const [name, message] = byStatus[status] ?? ["application_error", `Scripted failure ${status}.`];
  return { statusCode: status, name, message };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The `idempotency_key` tag Hogsend puts on each email, so a batch's emails are told apart. */
function messageKey(payload: Record<string, unknown>): string | undefined {
  if (!Array.isArray(payload.tags)) return undefined;
  const tag = payload.tags.find(
    (t): t is { name: string; value: string } => isRecord(t) && t.name === "idempotency_key",
  );
  return typeof tag?.value === "string" ? tag.value : undefined;
}

const digest = (text: string) => createHash("sha256").update(text).digest("hex");

/** The first rule a Resend email payload breaks, or undefined when it is valid. */
function invalidEmail(payload: unknown): FakeReply | undefined {
  if (!isRecord(payload)) return error(422, "validation_error", "The email must be an object.");
  for (const field of ["from", "to", "subject"]) {
    const value = payload[field];
    const present = Array.isArray(value) ? value.length > 0 : typeof value === "string" && value !== "";
    if (!present) return error(422, "missing_required_field", `Missing \`${field}\` field.`);
  }
  if (typeof payload.html !== "string" && typeof payload.text !== "string") {
    return error(422, "missing_required_field", "Missing `html` or `text` field.");
  }
  return undefined;
}

/**
 * A local stand-in for the Resend API (`POST /emails`, `POST /emails/batch`): bearer auth,
 * required fields, the 100-email batch limit and `Idempotency-Key` replays (same key and body →
 * the first answer again; same key, other body → 409 `invalid_idempotent_request`).
 */
export async function startFakeResend(options: FakeResendOptions = {}): Promise<FakeResend> {
  const record = options.record ?? true;
  const emails: FakeResendEmail[] = [];
  const ledger = createSendLedger();
  // Bodies are kept as digests: enough to tell a replay from a reused key, and small.
  const idempotent = new Map<string, { bodyDigest: string; reply: FakeReply }>();

  const accept = (payload: Record<string, unknown>, key: string | undefined, batch: boolean) => {
    const id = randomUUID();
    if (record) emails.push({ id, payload, idempotencyKey: key, batch });
    ledger.record(messageKey(payload) ?? (batch ? undefined : key), id);
    return id;
  };

  const respond = (request: RecordedRequest): FakeReply => {
    const key = request.headers["idempotency-key"];
    if (request.method === "POST" && request.path === "/emails") {
      const invalid = invalidEmail(request.body);
      if (invalid) return invalid;
      return { status: 200, body: { id: accept(request.body as Record<string, unknown>, key, false) } };
    }
    if (request.method === "POST" && request.path === "/emails/batch") {
      const batch = request.body;
      if (!Array.isArray(batch) || batch.length === 0) {
        return error(422, "validation_error", "The batch must be a non-empty array of emails.");
      }
      if (batch.length > MAX_BATCH) {
        return error(
          422,
          "validation_error",
          `Too many emails in the batch: ${batch.length} > ${MAX_BATCH}.`,
        );
      }
      // Strict validation (the SDK's default): one invalid email refuses the whole batch.
      for (const [index, email] of batch.entries()) {
        const invalid = invalidEmail(email);
        if (invalid) {
          const body = invalid.body as { message: string };
          return error(422, "validation_error", `emails[${index}]: ${body.message}`);
        }
      }
      const data = batch.map((email) => ({ id: accept(email as Record<string, unknown>, key, true) }));
      return { status: 200, body: { data } };
    }
    return error(404, "not_found", "The requested endpoint does not exist.");
  };

  const limit = options.limit === "resend" ? RESEND_SERVER_LIMIT : options.limit;
  const server = await startFakeVendor(
    {
      name: "resend",
      errorBody,
      ledger,
      reset: () => {
        emails.length = 0;
        ledger.clear();
        idempotent.clear();
      },
      handle: (request) => {
        const auth = request.headers.authorization;
        if (!auth?.startsWith("Bearer ")) return error(401, "missing_api_key", errorBody(401).message);
        if (options.apiKey !== undefined && auth !== `Bearer ${options.apiKey}`) {
          return error(403, "invalid_api_key", errorBody(403).message);
        }
        const key = request.headers["idempotency-key"];
        if (key === undefined) return respond(request);
        const previous = idempotent.get(`${request.path} ${key}`);
        if (previous) {
          return previous.bodyDigest === digest(request.rawBody)
            ? previous.reply
            : error(
                409,
                "invalid_idempotent_request",
                "Same idempotency key used with a different request payload.",
              );
        }
        const reply = respond(request);
        if (reply.status === 200) {
          idempotent.set(`${request.path} ${key}`, { bodyDigest: digest(request.rawBody), reply });
        }
        return reply;
      },
    },
    {
      record,
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(limit === undefined ? {} : { rateLimit: limit }),
      ...(options.faults === undefined ? {} : { faults: options.faults }),
    },
  );
  return Object.assign(server, { emails, ledger });
}
