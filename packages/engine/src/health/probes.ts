import { connect } from "node:net";
import type { Redis } from "ioredis";
import { withDeadline } from "../platform/deadline.js";

export interface ComponentHealth {
  status: "up" | "down" | "disabled";
  latencyMs: number | null;
  error?: string;
}

/** Times one probe under a deadline and turns its outcome into a component status. */
export async function timeProbe(
  what: string,
  deadlineMs: number,
  probe: () => Promise<unknown>,
): Promise<ComponentHealth> {
  const started = performance.now();
  try {
    await withDeadline(probe(), deadlineMs, what);
    return { status: "up", latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return {
      status: "down",
      latencyMs: Math.round(performance.now() - started),
      error: (err as Error).message,
    };
  }
}

/** The engine's gRPC port accepts connections: what ingestion needs to push events. */
export function tcpReachable(hostPort: string): Promise<void> {
  const index = hostPort.lastIndexOf(":");
  const host = hostPort.slice(0, index);
  const port = Number(hostPort.slice(index + 1));
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve();
    });
    socket.once("error", (err) => {
      socket.destroy();
      reject(err);
    });
  });
}

/** PING once the connection is ready (it may still be connecting at the first request). */
export async function pingRedis(redis: Redis): Promise<void> {
  if (redis.status !== "ready") {
    await new Promise<void>((resolve, reject) => {
      const onReady = () => {
        redis.off("error", onError);
        resolve();
      };
      const onError = (err: Error) => {
        redis.off("ready", onReady);
        reject(err);
      };
      redis.once("ready", onReady);
      redis.once("error", onError);
    });
  }
  await redis.ping();
}
