import { randomUUID } from "node:crypto";
import {
  type FakeRateLimit,
  type FakeReply,
  type FakeVendorServer,
  type FaultMix,
  type RecordedRequest,
  startFakeVendor,
} from "./fake-server.js";
import { createSendLedger, type SendLedger } from "./send-ledger.js";

/** A message the fake Postmark accepted, in the API's wire shape (`From`, `HtmlBody`, `Headers`…). */
export interface FakePostmarkMessage {
  messageId: string;
  payload: Record<string, unknown>;
  /** True when it came through `POST /email/batch`. */
  batch: boolean;
}

export interface FakePostmark extends FakeVendorServer {
  /** Accepted messages in order. Empty when `record` is false. */
  readonly messages: FakePostmarkMessage[];
  /** Addresses answered with ErrorCode 406 (inactive recipient), like after a hard bounce. */
  readonly inactiveRecipients: Set<string>;
  /**
   * Ids issued per `Metadata.idempotency_key`. Postmark has no idempotency, so a resent message
   * gets a second id here: a key with two ids was delivered twice.
   */
  readonly ledger: SendLedger;
}

export interface FakePostmarkOptions {
  /** When set, any other `X-Postmark-Server-Token` is refused with 401 / ErrorCode 10. */
  serverToken?: string;
  /** Streams that exist on the server (default `outbound`, `broadcast`). */
  messageStreams?: string[];
  /** Keep requests and message payloads for assertions (default true); false keeps counts and ids only. */
  record?: boolean;
  port?: number;
  /** Enforce a request limit (Postmark publishes none; default unlimited). */
  limit?: FakeRateLimit;
  /** Random 429s, 500s and unanswered requests, as a flaky vendor would give. */
  faults?: FaultMix;
}

/** Postmark's batch limit. */
const MAX_BATCH = 500;

function errorBody(status: number) {
  const byStatus: Record<number, [number, string]> = {
    401: [10, "The Server Token you provided in the X-Postmark-Server-Token request header was invalid."],
    422: [300, "Invalid email request."],
    429: [429, "Rate limit exceeded, retry later."],
    500: [0, "Internal server error."],
    503: [0, "Service unavailable."],
  };
  const [code, message] = byStatus[status] ?? [0, `Scripted failure ${status}.`];
  return { ErrorCode: code, Message: message };
}

function refusal(status: number, code: number, message: string): FakeReply {
  return { status, body: { ErrorCode: code, Message: message } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A local stand-in for the Postmark API (`POST /email`, `POST /email/batch`): server-token auth,
 * required fields, message streams, inactive recipients (406), and the 500-message batch limit.
 * Like Postmark, a batch answers 200 with a per-message `ErrorCode`.
 */
export async function startFakePostmark(options: FakePostmarkOptions = {}): Promise<FakePostmark> {
  const record = options.record ?? true;
  const messages: FakePostmarkMessage[] = [];
  const ledger = createSendLedger();
  const inactiveRecipients = new Set<string>();
  const streams = new Set(options.messageStreams ?? ["outbound", "broadcast"]);

  /** One message's answer: `ErrorCode` 0 and a `MessageID` when accepted. */
  const submit = (payload: unknown, batch: boolean): { status: number; body: Record<string, unknown> } => {
    if (!isRecord(payload))
      return { status: 422, body: { ErrorCode: 300, Message: "Invalid email request." } };
    const invalid = (code: number, message: string) => ({
      status: 422,
      body: { ErrorCode: code, Message: message, To: payload.To },
    });
    if (typeof payload.From !== "string" || payload.From === "")
      return invalid(300, "Invalid 'From' address.");
    if (typeof payload.To !== "string" || payload.To === "")
      return invalid(300, "Zero recipients specified.");
    if (typeof payload.HtmlBody !== "string" && typeof payload.TextBody !== "string") {
      return invalid(300, "Provide either email TextBody or HtmlBody or both.");
    }
    const stream = payload.MessageStream ?? "outbound";
    if (typeof stream !== "string" || !streams.has(stream)) {
      return invalid(1235, "The 'MessageStream' provided does not exist on this server.");
    }
    const inactive = payload.To.split(",")
      .map((a) => a.trim())
      .filter((a) => inactiveRecipients.has(a));
    if (inactive.length > 0) {
      return invalid(
        406,
        `You tried to send to recipient(s) that have been marked as inactive. Found inactive addresses: ${inactive.join(", ")}.`,
      );
    }
    const messageId = randomUUID();
    if (record) messages.push({ messageId, payload, batch });
    const metadata = isRecord(payload.Metadata) ? payload.Metadata : {};
    ledger.record(
      typeof metadata.idempotency_key === "string" ? metadata.idempotency_key : undefined,
      messageId,
    );
    return {
      status: 200,
      body: {
        To: payload.To,
        SubmittedAt: new Date().toISOString(),
        MessageID: messageId,
        ErrorCode: 0,
        Message: "OK",
      },
    };
  };

  const respond = (request: RecordedRequest): FakeReply => {
    if (request.method === "POST" && request.path === "/email") return submit(request.body, false);
    if (request.method === "POST" && request.path === "/email/batch") {
      const batch = request.body;
      if (!Array.isArray(batch) || batch.length === 0) return refusal(422, 300, "Invalid email request.");
      if (batch.length > MAX_BATCH) {
        return refusal(422, 300, `Too many messages in the batch: ${batch.length} > ${MAX_BATCH}.`);
      }
      return { status: 200, body: batch.map((message) => submit(message, true).body) };
    }
    return refusal(404, 0, "Not found.");
  };

  const server = await startFakeVendor(
    {
      name: "postmark",
      errorBody,
      ledger,
      reset: () => {
        messages.length = 0;
        ledger.clear();
        inactiveRecipients.clear();
      },
      handle: (request) => {
        const token = request.headers["x-postmark-server-token"];
        if (!token) {
          return refusal(401, 10, "No Account or Server API tokens were supplied in the HTTP headers.");
        }
        if (options.serverToken !== undefined && token !== options.serverToken) {
          return refusal(401, 10, errorBody(401).Message);
        }
        return respond(request);
      },
    },
    {
      record,
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.limit === undefined ? {} : { rateLimit: options.limit }),
      ...(options.faults === undefined ? {} : { faults: options.faults }),
    },
  );
  return Object.assign(server, { messages, inactiveRecipients, ledger });
}
