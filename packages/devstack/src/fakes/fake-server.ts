import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { seededRandom } from "../seeded-random.js";
import type { SendLedger } from "./send-ledger.js";

/** One request a fake vendor received, as the test asserts on it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The body as sent, decompressed when it was gzipped. */
  rawBody: string;
  /** JSON or form bodies parsed; anything else is the raw text (undefined when empty). */
  body: unknown;
}

/** What a vendor handler answers. */
export interface FakeReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** A scripted answer for the next requests, ahead of the vendor's normal behaviour. */
export interface FailureScript {
  status: number;
  /** How many of the next requests get this answer (default 1). */
  times?: number;
  /** Let this many requests through normally first (default 0), e.g. to fail a second batch chunk. */
  after?: number;
  /** Sent as `Retry-After` (seconds). */
  retryAfterSeconds?: number;
  /** Defaults to the vendor's own error body for the status. */
  body?: unknown;
}

export interface DelayScript {
  ms: number;
  /** How many of the next requests are held (default 1). */
  times?: number;
}

/** Close the connection without an answer, as a crash or a network drop would. */
export interface DropScript {
  /** How many of the next requests are dropped (default 1). */
  times?: number;
  /** Let this many requests through normally first (default 0). */
  after?: number;
  /**
   * Handle the request first, so the vendor accepts it and the client never learns (default
   * true): the case where only provider idempotency prevents a duplicate on retry.
   */
  process?: boolean;
}

/** A request limit the fake enforces like the vendor: a token bucket, 429 and `Retry-After` beyond it. */
export interface FakeRateLimit {
  requestsPerSecond: number;
  burst: number;
}

/**
 * Faults drawn at random per vendor request, as a flaky vendor would answer: shares of 0 to 1 of
 * all requests. The draw is seeded, so the same seed gives the same faults in the same arrival order.
 */
export interface FaultMix {
  /** Answered 429 with `Retry-After`. */
  rateLimited?: number;
  /** Answered 500. */
  serverError?: number;
  /**
   * Accepted by the vendor, then never answered: the client's own timeout fires, and only the
   * vendor's idempotency keeps its retry from delivering twice.
   */
  timeout?: number;
  seed?: number;
  /** `Retry-After` of the 429s (default 1). */
  retryAfterSeconds?: number;
  /** How long an unanswered request is held before its connection is closed (default 60 s). */
  holdMs?: number;
}

/** Faults a `FaultMix` injected, by kind. */
export interface InjectedFaults {
  rateLimited: number;
  serverError: number;
  timeout: number;
}

export interface FakeVendorOptions {
  /**
   * Keep every request (method, path, headers, body) in `requests` for tests to assert on
   * (default true). False keeps counters and the send ledger only: a long bench stays small.
   */
  record?: boolean;
  /** Port to listen on (default: a free one). */
  port?: number;
  /** Enforce a request limit (default: none). */
  rateLimit?: FakeRateLimit;
  /** Inject random faults (default: none). */
  faults?: FaultMix;
}

/** Counters of a fake, as `stats()` and `GET /__stats` report them. */
export interface FakeVendorStats {
  vendor: string;
  /** Vendor requests received (control requests under `/__` excluded). */
  requests: number;
  /** `"POST /emails/batch": n`. */
  byPath: Record<string, number>;
  /** Answers by HTTP status. */
  byStatus: Record<string, number>;
  /** Refused with 429 by the enforced rate limit (scripted 429s not included). */
  rateLimited: number;
  /** Connections closed without an answer by a drop script. */
  dropped: number;
  /** Faults the `faults` mix injected (all zero without one). */
  faults: InjectedFaults;
  /** From the send ledger, for email vendors. */
  accepted?: number;
  keys?: number;
  unkeyed?: number;
  duplicates?: number;
}

export interface FakeVendorServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `127.0.0.1:<port>` (for SDKs that take a host, like Postmark's `requestHost`). */
  readonly host: string;
  readonly port: number;
  /** Every request received, scripted failures and delayed ones included, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Answer the next request(s) with an error status instead of the vendor's normal reply. */
  failNext(script: FailureScript): void;
  /** Hold the next request(s) before answering, to make a client time out. */
  delayNext(script: DelayScript): void;
  /** Close the connection of the next request(s) without an answer. */
  dropNext(script?: DropScript): void;
  /** Counters since the start or the last reset. */
  stats(): FakeVendorStats;
  /** Forget recorded requests, pending scripts, counters and vendor state; requests still held are dropped. */
  reset(): void;
  close(): Promise<void>;
}

export interface FakeVendorDefinition {
  name: string;
  /** The vendor's normal answer to a request. */
  handle(request: RecordedRequest): FakeReply;
  /** The vendor's error body for a scripted failure status. */
  errorBody(status: number): unknown;
  /** Clears vendor state (sent messages, idempotency records) on `reset()`. */
  reset?(): void;
  /** Ids issued per message idempotency key, for `GET /__ledger` and the stats. */
  ledger?: SendLedger;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw === "") return undefined;
  if (contentType?.includes("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(raw));
  }
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

async function record(req: IncomingMessage): Promise<RecordedRequest> {
  let buffer = await readBody(req);
  if (req.headers["content-encoding"] === "gzip") buffer = gunzipSync(buffer);
  const rawBody = buffer.toString("utf8");
  const url = new URL(req.url ?? "/", "http://fake.local");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return {
    method: req.method ?? "GET",
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers,
    rawBody,
    body: parseBody(rawBody, headers["content-type"]),
  };
}

function send(res: ServerResponse, reply: FakeReply) {
  if (res.destroyed) return;
  const body = reply.body === undefined ? "" : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...(body === "" ? {} : { "content-type": "application/json" }),
    ...reply.headers,
  });
  res.end(body);
}

/** The vendor's side of a rate limit: a token bucket checked on arrival. */
function createRequestLimiter(limit: FakeRateLimit) {
  let tokens = limit.burst;
  let refilledAt = performance.now();
  return {
    /** Undefined when the request may pass; else the headers of the 429. */
    take(): Record<string, string> | undefined {
      const now = performance.now();
      tokens = Math.min(limit.burst, tokens + ((now - refilledAt) * limit.requestsPerSecond) / 1_000);
      refilledAt = now;
      if (tokens >= 1) {
        tokens -= 1;
        return undefined;
      }
      const seconds = Math.max(1, Math.ceil((1 - tokens) / limit.requestsPerSecond));
      return {
        "retry-after": String(seconds),
        "ratelimit-limit": String(limit.requestsPerSecond),
        "ratelimit-remaining": "0",
        "ratelimit-reset": String(seconds),
      };
    },
    reset() {
      tokens = limit.burst;
      refilledAt = performance.now();
    },
  };
}

type FaultKind = keyof InjectedFaults;

/** Draws the fault, if any, for each request in turn. */
function createFaultDraw(mix: FaultMix): () => FaultKind | undefined {
  const shares: [FaultKind, number][] = [
    ["rateLimited", mix.rateLimited ?? 0],
    ["serverError", mix.serverError ?? 0],
    ["timeout", mix.timeout ?? 0],
  ];
  const total = shares.reduce((sum, [, share]) => sum + share, 0);
  if (shares.some(([, share]) => !(share >= 0)) || total > 1)
    throw new Error(`fault shares must be 0 to 1 and sum to at most 1, got ${JSON.stringify(mix)}`);
  const random = seededRandom(mix.seed ?? 1);
  return () => {
    let draw = random();
    for (const [kind, share] of shares) {
      if (draw < share) return kind;
      draw -= share;
    }
    return undefined;
  };
}

type Counted<T> = T & { times: number; after: number };

/** Takes the next script for one request: honours `after`, then counts down `times`. */
function takeScript<T>(scripts: Counted<T>[]): T | undefined {
  const script = scripts[0];
  if (!script) return undefined;
  if (script.after > 0) {
    script.after -= 1;
    return undefined;
  }
  script.times -= 1;
  if (script.times <= 0) scripts.shift();
  return script;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Starts a local HTTP server on a loopback port that answers like a vendor, records every request
 * (unless `record` is false: counters only), can enforce a rate limit, and can be scripted to
 * fail, stall or drop the next requests, in-process or over HTTP (`/__*`). Real SDKs talk to it
 * through their base-URL options.
 */
export async function startFakeVendor(
  definition: FakeVendorDefinition,
  options: FakeVendorOptions = {},
): Promise<FakeVendorServer> {
  const recordRequests = options.record ?? true;
  const requests: RecordedRequest[] = [];
  let failures: Counted<FailureScript>[] = [];
  let delays: Required<DelayScript>[] = [];
  let drops: Counted<Required<Pick<DropScript, "process">>>[] = [];
  const limiter = options.rateLimit ? createRequestLimiter(options.rateLimit) : undefined;
  const drawFault = options.faults ? createFaultDraw(options.faults) : () => undefined;
  const noFaults = (): InjectedFaults => ({ rateLimited: 0, serverError: 0, timeout: 0 });
  const counters = {
    requests: 0,
    byPath: {} as Record<string, number>,
    byStatus: {} as Record<string, number>,
    rateLimited: 0,
    dropped: 0,
    faults: noFaults(),
  };
  // Held requests, released early on reset() and close() so no handler is left pending.
  const held = new Map<NodeJS.Timeout, () => void>();
  // Bumped by reset(): a request held across it is dropped unanswered, so a late arrival from one
  // test never changes the vendor state the next test sees.
  let generation = 0;
  const releaseHeld = () => {
    for (const [timer, release] of held) {
      clearTimeout(timer);
      release();
    }
    held.clear();
  };

  const reply = (res: ServerResponse, answer: FakeReply) => {
    if (res.destroyed) return;
    counters.byStatus[answer.status] = (counters.byStatus[answer.status] ?? 0) + 1;
    send(res, answer);
  };

  const stats = (): FakeVendorStats => ({
    vendor: definition.name,
    requests: counters.requests,
    byPath: { ...counters.byPath },
    byStatus: { ...counters.byStatus },
    rateLimited: counters.rateLimited,
    dropped: counters.dropped,
    faults: { ...counters.faults },
    ...definition.ledger?.summary(),
  });

  const failNext = (script: FailureScript) => {
    failures.push({ ...script, times: script.times ?? 1, after: script.after ?? 0 });
  };
  const delayNext = (script: DelayScript) => {
    delays.push({ ms: script.ms, times: script.times ?? 1 });
  };
  const dropNext = (script: DropScript = {}) => {
    drops.push({ process: script.process ?? true, times: script.times ?? 1, after: script.after ?? 0 });
  };
  const reset = () => {
    generation += 1;
    releaseHeld();
    requests.length = 0;
    failures = [];
    delays = [];
    drops = [];
    counters.requests = 0;
    counters.byPath = {};
    counters.byStatus = {};
    counters.rateLimited = 0;
    counters.dropped = 0;
    counters.faults = noFaults();
    limiter?.reset();
    definition.reset?.();
  };

  /** `/__stats`, `/__ledger`, and scripts over HTTP, for a fake in another process. */
  const control = (request: RecordedRequest): FakeReply => {
    const body = isObject(request.body) ? request.body : {};
    const route = `${request.method} ${request.path}`;
    if (route === "GET /__stats") return { status: 200, body: stats() };
    if (route === "GET /__ledger") {
      return { status: 200, body: Object.fromEntries(definition.ledger?.byKey ?? []) };
    }
    if (route === "POST /__reset") {
      reset();
      return { status: 204 };
    }
    if (route === "POST /__fail" && typeof body.status === "number") {
      failNext(body as unknown as FailureScript);
      return { status: 204 };
    }
    if (route === "POST /__delay" && typeof body.ms === "number") {
      delayNext(body as unknown as DelayScript);
      return { status: 204 };
    }
    if (route === "POST /__drop") {
      dropNext(body as DropScript);
      return { status: 204 };
    }
    return {
      status: 404,
      body: {
        message: "control routes: GET /__stats, GET /__ledger, POST /__reset, /__fail, /__delay, /__drop",
      },
    };
  };

  const hold = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        held.delete(timer);
        resolve();
      }, ms);
      held.set(timer, resolve);
    });

  async function injectFault(
    res: ServerResponse,
    request: RecordedRequest,
    fault: FaultKind,
    arrivedIn: number,
  ) {
    if (fault === "rateLimited") {
      const seconds = String(options.faults?.retryAfterSeconds ?? 1);
      reply(res, { status: 429, headers: { "retry-after": seconds }, body: definition.errorBody(429) });
    } else if (fault === "serverError") {
      reply(res, { status: 500, body: definition.errorBody(500) });
    } else {
      // Accepted, then silence until the client gives up and closes, or the hold ends.
      if (arrivedIn === generation) definition.handle(request);
      await Promise.race([
        hold(options.faults?.holdMs ?? 60_000),
        new Promise((resolve) => res.once("close", resolve)),
      ]);
      res.destroy();
    }
  }

  const server = createServer((req, res) => {
    void (async () => {
      const recorded = await record(req);
      if (recorded.path.startsWith("/__")) {
        send(res, control(recorded));
        return;
      }
      const arrivedIn = generation;
      if (recordRequests) requests.push(recorded);
      counters.requests += 1;
      const route = `${recorded.method} ${recorded.path}`;
      counters.byPath[route] = (counters.byPath[route] ?? 0) + 1;
      // Scripts and the rate limit are taken in arrival order, before any hold, so "the next
      // request" means just that.
      const failure = takeScript(failures);
      const drop = failure ? undefined : takeScript(drops);
      const fault = failure || drop ? undefined : drawFault();
      const limited = failure || drop || fault ? undefined : limiter?.take();
      const delay = delays[0];
      if (delay) {
        delay.times -= 1;
        if (delay.times <= 0) delays.shift();
        await hold(delay.ms);
        if (arrivedIn !== generation) {
          res.destroy();
          return;
        }
      }
      if (failure) {
        reply(res, {
          status: failure.status,
          headers:
            failure.retryAfterSeconds === undefined
              ? {}
              : { "retry-after": String(failure.retryAfterSeconds) },
          body: failure.body ?? definition.errorBody(failure.status),
        });
        return;
      }
      if (fault) {
        counters.faults[fault] += 1;
        await injectFault(res, recorded, fault, arrivedIn);
        return;
      }
      if (limited) {
        counters.rateLimited += 1;
        reply(res, { status: 429, headers: limited, body: definition.errorBody(429) });
        return;
      }
      if (drop) {
        if (drop.process) definition.handle(recorded);
        counters.dropped += 1;
        res.destroy();
        return;
      }
      reply(res, definition.handle(recorded));
    })().catch((err: unknown) => {
      reply(res, { status: 500, body: { message: `fake ${definition.name} crashed: ${String(err)}` } });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    port,
    requests,
    failNext,
    delayNext,
    dropNext,
    stats,
    reset,
    close: () =>
      new Promise<void>((resolve, reject) => {
        generation += 1;
        releaseHeld();
        // Held (delayed) and keep-alive sockets would otherwise keep close() waiting.
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
