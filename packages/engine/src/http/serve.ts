import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";
import type { Logger } from "../logger.js";

export interface ServeOptions {
  port: number;
  logger: Logger;
  /** How long in-flight requests get to finish on shutdown. */
  drainTimeoutMs?: number;
}

export interface RunningServer {
  port: number;
  /** Stops accepting, lets in-flight requests finish (up to the drain timeout), then closes. */
  close(): Promise<void>;
}

/** Serves the app on `port`; resolves once it listens. */
export function serveApp(
  app: Hono<never> | { fetch: Hono["fetch"] },
  options: ServeOptions,
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port }, (info) => {
      options.logger.info(`api listening on :${info.port}`);
      resolve({ port: info.port, close: () => drain(server as Server, options.drainTimeoutMs ?? 10_000) });
    }) as Server;
    server.once("error", reject);
  });
}

function drain(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    // Keep-alive sockets with no request in flight would hold close() open.
    server.closeIdleConnections();
  });
}
