import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";
import type { Logger } from "../platform/logger.js";

export interface ServeOptions {
  port: number;
  logger: Logger;
  /** How long in-flight requests get to finish on shutdown before their connections are cut. */
  drainTimeoutMs?: number;
  /** Longest a client may take to send one whole request (headers and body); answered 408. */
  requestTimeoutMs?: number;
  /** Idle keep-alive connections close after this; set it above the load balancer's idle timeout. */
  keepAliveTimeoutMs?: number;
}

export interface RunningServer {
  port: number;
  /** Stops accepting, lets in-flight requests finish (up to the drain timeout), then closes. */
  close(): Promise<void>;
}

/** Request line plus headers, at most. */
export const MAX_HEADER_BYTES = 32 * 1024;

/** Serves the app on `port` with the request and keep-alive timeouts; resolves once it listens. */
export function serveApp(
  app: Hono<never> | { fetch: Hono["fetch"] },
  options: ServeOptions,
): Promise<RunningServer> {
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  let draining = false;
  return new Promise((resolve, reject) => {
    const server = serve(
      {
        fetch: app.fetch,
        port: options.port,
        serverOptions: {
          requestTimeout,
          // Node requires headersTimeout <= requestTimeout, and times headers per request (not
          // across an idle keep-alive socket), so it need not exceed the keep-alive timeout.
          headersTimeout: requestTimeout,
          // How often Node checks those timeouts (its default, 30 s, would double a 30 s timeout).
          connectionsCheckingInterval: Math.min(requestTimeout, 5_000),
          // Room for the longest URL a route documents (a template preview's props, 2,000
          // characters, up to 12 bytes each once percent-encoded): Node's 16 KB default answered
          // some with 431 or a reset connection.
          maxHeaderSize: MAX_HEADER_BYTES,
        },
      },
      (info) => {
        options.logger.info(`api listening on :${info.port}`);
        resolve({
          port: info.port,
          close: () => {
            draining = true;
            return drain(server, options.drainTimeoutMs ?? 10_000, options.logger);
          },
        });
      },
    ) as Server;
    server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 72_000;
    // While draining, a keep-alive socket must not outlive its last response, or close() waits
    // for it to idle out: answers carry `connection: close`, and each one sweeps idle sockets.
    server.on("request", (_req: IncomingMessage, res: ServerResponse) => {
      if (draining) res.setHeader("connection", "close");
      res.once("finish", () => {
        if (draining) server.closeIdleConnections();
      });
    });
    server.once("error", reject);
  });
}

function drain(server: Server, timeoutMs: number, logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      logger.warn(`requests still in flight after ${timeoutMs}ms; closing their connections`);
      server.closeAllConnections();
    }, timeoutMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
