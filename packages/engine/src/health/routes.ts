import { createRoute, z } from "@hono/zod-openapi";
import type { ApiApp } from "../http/types.js";
import type { HogsendClient } from "../platform/client.js";
import { checkHealth, type HealthContent } from "./health.js";

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
    "`migration_pending` (503) when either migration track is behind, so readiness probes hold traffic.",
  responses: {
    200: { description: "Healthy or degraded", content: { "application/json": { schema: HealthSchema } } },
    503: {
      description: "A migration track is behind",
      content: { "application/json": { schema: HealthSchema } },
    },
  },
});

export function registerHealthRoutes(
  app: ApiApp,
  runtime: { client: HogsendClient; content: HealthContent },
) {
  const { client, content } = runtime;
  app.openapi(route, async (c) => {
    const report = await checkHealth(client, content);
    c.header("Cache-Control", "no-store");
    return report.status === "migration_pending" ? c.json(report, 503) : c.json(report, 200);
  });
}
