import { secretsEqual } from "@hogsend/access";
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiApp } from "../http/types.js";
import type { HogsendClient } from "../platform/client.js";
import { checkHealth, type HealthContent, type HealthReport } from "./health.js";

const ComponentSchema = z.object({
  status: z.enum(["up", "down", "disabled"]),
  latencyMs: z.number().nullable(),
  error: z.string().optional(),
});

const WorkerSchema = z
  .object({
    status: z.enum(["up", "down", "unknown", "disabled"]),
    lastSeenAt: z.string().nullable().openapi({ description: "Newest heartbeat of any worker instance" }),
    live: z.number().int().openapi({ description: "Worker instances that beat in the last 30 s" }),
    error: z.string().optional(),
  })
  .openapi({ description: "Informational: never changes `status`" });

const TrackSchema = z
  .object({
    applied: z.number().int(),
    required: z.number().int(),
    inSync: z.boolean(),
    pending: z.array(z.string()),
  })
  .nullable();

const HealthSchema = z
  .object({
    status: z.enum(["healthy", "degraded", "migration_pending"]),
    checkedAt: z
      .string()
      .openapi({ description: "When the probes ran (answers are shared for HEALTH_CACHE_MS)" }),
    uptime: z.number().int().openapi({ description: "Seconds since the process started" }),
    version: z.string(),
    components: z.object({
      database: ComponentSchema,
      redis: ComponentSchema,
      hatchet: ComponentSchema,
      worker: WorkerSchema,
    }),
    schema: z.object({ engine: TrackSchema, client: TrackSchema }),
  })
  .openapi("Health");

const route = createRoute({
  method: "get",
  path: "/v1/health",
  tags: ["Operations"],
  summary: "Liveness, readiness and schema status",
  description:
    "`healthy` when Postgres and Redis answer; `degraded` when one does not (200, so liveness holds); " +
    "`migration_pending` (503) when either migration track is behind, so readiness probes hold traffic. " +
    "Probes run at most once per HEALTH_CACHE_MS. Error texts (they name hosts) are shown to an admin " +
    "key only.",
  responses: {
    200: { description: "Healthy or degraded", content: { "application/json": { schema: HealthSchema } } },
    503: {
      description: "A migration track is behind",
      content: { "application/json": { schema: HealthSchema } },
    },
  },
});

const liveRoute = createRoute({
  method: "get",
  path: "/v1/health/live",
  tags: ["Operations"],
  summary: "Liveness: the process serves HTTP",
  description:
    "Touches no dependency: for a liveness probe that must not restart the api over a database outage.",
  responses: {
    200: {
      description: "Alive",
      content: { "application/json": { schema: z.object({ status: z.literal("live") }) } },
    },
  },
});

type CheckedReport = HealthReport & { checkedAt: string };

/** Without the error texts, which carry hostnames and addresses. */
function redacted(report: CheckedReport): CheckedReport {
  const { database, redis, hatchet, worker } = report.components;
  const strip = <T extends { error?: string }>({ error: _, ...rest }: T) => rest;
  return {
    ...report,
    components: {
      database: strip(database),
      redis: strip(redis),
      hatchet: strip(hatchet),
      worker: strip(worker),
    },
  };
}

export function registerHealthRoutes(
  app: ApiApp,
  runtime: { client: HogsendClient; content: HealthContent },
) {
  const { client, content } = runtime;
  // One probe run per HEALTH_CACHE_MS, shared by every request in it: a flood of health checks
  // (or a probe per replica per second) costs the dependencies nothing more.
  let cached: { at: number; report: Promise<CheckedReport> } | undefined;
  const currentReport = () => {
    const now = Date.now();
    if (!cached || now - cached.at >= client.env.HEALTH_CACHE_MS) {
      const report = checkHealth(client, content).then((r) => ({
        ...r,
        checkedAt: new Date().toISOString(),
      }));
      cached = { at: now, report };
      report.catch(() => {
        cached = undefined;
      });
    }
    return cached.report;
  };
  /** ADMIN_API_KEY or a full-admin key; anything else (none, wrong, narrower) sees the redacted report. */
  const isAdmin = async (authorization: string | undefined) => {
    const token = authorization && /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
    if (!token) return false;
    if (client.env.ADMIN_API_KEY && secretsEqual(token, client.env.ADMIN_API_KEY)) return true;
    const check = await client.apiKeys.verify(token).catch(() => ({ ok: false as const }));
    return check.ok && check.key.scopes.includes("full-admin");
  };

  app.openapi(route, async (c) => {
    const report = await currentReport();
    const shown = (await isAdmin(c.req.header("authorization"))) ? report : redacted(report);
    c.header("Cache-Control", "no-store");
    return shown.status === "migration_pending" ? c.json(shown, 503) : c.json(shown, 200);
  });
  app.openapi(liveRoute, (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ status: "live" as const }, 200);
  });
}
