import {
  bundledEngineJournal,
  CLIENT_LEDGER,
  ENGINE_LEDGER,
  type Journal,
  probeTrack,
  type TrackStatus,
} from "@hogsend/db/migrations";
import type { HogsendClient } from "../client.js";
import { type ComponentHealth, pingRedis, tcpReachable, timeProbe, withDeadline } from "./probes.js";

export type HealthStatus = "healthy" | "degraded" | "migration_pending";

export interface HealthReport {
  status: HealthStatus;
  uptime: number;
  version: string;
  components: { database: ComponentHealth; redis: ComponentHealth; hatchet: ComponentHealth };
  /** Null when the database could not be asked. */
  schema: { engine: TrackStatus | null; client: TrackStatus | null };
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
  const [database, redisHealth, hatchet, [engine, clientTrack]] = await Promise.all([
    timeProbe("postgres", deadline, () => sql`select 1`),
    redis
      ? timeProbe("redis", deadline, () => pingRedis(redis))
      : Promise.resolve<ComponentHealth>({ status: "disabled", latencyMs: null }),
    timeProbe("hatchet", deadline, () => tcpReachable(client.hatchetHostPort)),
    schemaProbe,
  ]);
  const behind = (engine && !engine.inSync) || (clientTrack && !clientTrack.inSync);
  const dependenciesUp = database.status === "up" && redisHealth.status !== "down";
  return {
    status: behind ? "migration_pending" : dependenciesUp ? "healthy" : "degraded",
    uptime: Math.round((Date.now() - client.startedAt) / 1000),
    version: client.version,
    components: { database, redis: redisHealth, hatchet },
    schema: { engine, client: clientTrack },
  };
}
