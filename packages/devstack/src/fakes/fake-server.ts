import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";

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
  /** Forget recorded requests, pending scripts and vendor state; requests still held are dropped. */
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

/**
 * Starts a local HTTP server on a free loopback port that answers like a vendor, records every
 * request, and can be scripted to fail or stall the next requests. Real SDKs talk to it through
 * their base-URL options.
 */
export async function startFakeVendor(definition: FakeVendorDefinition): Promise<FakeVendorServer> {
  const requests: RecordedRequest[] = [];
  let failures: (FailureScript & { times: number; after: number })[] = [];
  let delays: Required<DelayScript>[] = [];
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

  const takeFailure = (): FailureScript | undefined => {
    const failure = failures[0];
    if (!failure) return undefined;
    if (failure.after > 0) {
      failure.after -= 1;
      return undefined;
    }
    failure.times -= 1;
    if (failure.times <= 0) failures.shift();
    return failure;
  };

  const server = createServer((req, res) => {
    void (async () => {
      const recorded = await record(req);
      const arrivedIn = generation;
      requests.push(recorded);
      // Scripts are taken in arrival order, before any hold, so "the next request" means just that.
      const failure = takeFailure();
      const delay = delays[0];
      if (delay) {
        delay.times -= 1;
        if (delay.times <= 0) delays.shift();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            held.delete(timer);
            resolve();
          }, delay.ms);
          held.set(timer, resolve);
        });
        if (arrivedIn !== generation) {
          res.destroy();
          return;
        }
      }
      if (failure) {
        send(res, {
          status: failure.status,
          headers:
            failure.retryAfterSeconds === undefined
              ? {}
              : { "retry-after": String(failure.retryAfterSeconds) },
          body: failure.body ?? definition.errorBody(failure.status),
        });
        return;
      }
      send(res, definition.handle(recorded));
    })().catch((err: unknown) => {
      send(res, { status: 500, body: { message: `fake ${definition.name} crashed: ${String(err)}` } });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    port,
    requests,
    failNext: (script) => {
      failures.push({ ...script, times: script.times ?? 1, after: script.after ?? 0 });
    },
    delayNext: (script) => {
      delays.push({ ms: script.ms, times: script.times ?? 1 });
    },
    reset: () => {
      generation += 1;
      releaseHeld();
      requests.length = 0;
      failures = [];
      delays = [];
      definition.reset?.();
    },
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
