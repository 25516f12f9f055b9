import {
  bundledEngineJournal,
  CLIENT_LEDGER,
  ENGINE_LEDGER,
  type Journal,
  probeTrack,
  type TrackStatus,
} from "@hogsend/db/migrations";
import type { HogsendClient } from "../platform/client.js";
import { withDeadline } from "../platform/deadline.js";
import { heartbeatKey, readHeartbeats, WORKER_STALE_AFTER_MS } from "../worker/heartbeat.js";
import { type ComponentHealth, pingRedis, tcpReachable, timeProbe } from "./probes.js";

export type HealthStatus = "healthy" | "degraded" | "migration_pending";

export interface HealthReport {
  status: HealthStatus;
  uptime: number;
  version: string;
  components: {
    database: ComponentHealth;
    redis: ComponentHealth;
    hatchet: ComponentHealth;
    worker: WorkerHealth;
  };
  /** Null when the database could not be asked. */
  schema: { engine: TrackStatus | null; client: TrackStatus | null };
}

/**
 * Workers, as their Redis heartbeats tell: `up` when at least one beat recently, `down` when none
 * did, `unknown` when Redis could not be asked, `disabled` without Redis. Informational: a missing
 * worker never fails the api's readiness (events are stored and wait in Hatchet's queue).
 */
export interface WorkerHealth {
  status: "up" | "down" | "unknown" | "disabled";
  /** ISO time of the newest beat of any worker instance, or null. */
  lastSeenAt: string | null;
  /** Instances that beat within the last WORKER_STALE_AFTER_MS. */
  live: number;
  error?: string;
}

export interface HealthContent {
  /** The client track's journal as bundled with this build; null when there is no client track. */
  clientJournal: Journal | null;
}

/** Probes every dependency in parallel, each under the configured deadline. */
export async function checkHealth(client: HogsendClient, content: HealthContent): Promise<HealthReport> {
  const deadline = client.env.HEALTH_PROBE_TIMEOUT_MS;
  const { sql } = client.db;
  const schemaProbe = withDeadline(
    Promise.all([
      probeTrack(sql, ENGINE_LEDGER, bundledEngineJournal),
      content.clientJournal ? probeTrack(sql, CLIENT_LEDGER, content.clientJournal) : Promise.resolve(null),
    ]),
    deadline,
    "schema probe",
  ).catch(() => [null, null] as const);
  const redis = client.redis;
  const [database, redisHealth, hatchet, worker, [engine, clientTrack]] = await Promise.all([
    timeProbe("postgres", deadline, () => sql`select 1`),
    redis
      ? timeProbe("redis", deadline, () => pingRedis(redis))
      : Promise.resolve<ComponentHealth>({ status: "disabled", latencyMs: null }),
    timeProbe("hatchet", deadline, () => tcpReachable(client.hatchetHostPort)),
    probeWorkers(client, deadline),
    schemaProbe,
  ]);
  const behind = (engine && !engine.inSync) || (clientTrack && !clientTrack.inSync);
  const dependenciesUp = database.status === "up" && redisHealth.status !== "down";
  return {
    status: behind ? "migration_pending" : dependenciesUp ? "healthy" : "degraded",
    uptime: Math.round((Date.now() - client.startedAt) / 1000),
    version: client.version,
    components: { database, redis: redisHealth, hatchet, worker },
    schema: { engine, client: clientTrack },
  };
}

async function probeWorkers(client: HogsendClient, deadlineMs: number): Promise<WorkerHealth> {
  const redis = client.redis;
  if (!redis) return { status: "disabled", lastSeenAt: null, live: 0 };
  try {
    const beats = await withDeadline(
      readHeartbeats(redis, heartbeatKey(client.env.HATCHET_CLIENT_NAMESPACE)),
      deadlineMs,
      "worker heartbeat read",
    );
    return {
      status: beats.live > 0 ? "up" : "down",
      lastSeenAt: beats.lastSeenAt?.toISOString() ?? null,
      live: beats.live,
      ...(beats.live > 0
        ? {}
        : {
            error: `no worker heartbeat in the last ${WORKER_STALE_AFTER_MS / 1000}s: is the worker running?`,
          }),
    };
  } catch (err) {
    return { status: "unknown", lastSeenAt: null, live: 0, error: (err as Error).message };
  }
}
