import { AppError } from "@hogsend/core";
import { type JourneyLog, journeyStateWithLogs } from "@hogsend/db";
import { createRoute, z } from "@hono/zod-openapi";
import { requireAccess } from "../access/require-access.js";
import { errorResponses } from "../http/errors.js";
import type { ApiApp } from "../http/types.js";
import type { JourneyDefinition } from "../journeys/define-journey.js";
import type { HogsendClient } from "../platform/client.js";
import { findJourney, JourneyStateSchema, serializeJourneyState } from "./journeys.js";

/** Enough for any real run (each step writes a line or two); more is flagged, not paged. */
const LOG_LIMIT = 500;

const JourneyLogSchema = z
  .object({
    id: z.uuid(),
    kind: z.string().openapi({
      description: "entered, skipped, checkpoint, sleep, wait, trigger, send, exited, completed, failed, …",
    }),
    message: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
    createdAt: z.iso.datetime(),
  })
  .openapi("JourneyLog");

const JourneyStateDetailSchema = z
  .object({
    state: JourneyStateSchema,
    waitingFor: z.string().nullable().openapi({
      description:
        "The event a waiting run waits for (until state.waitDeadline); null when it sleeps or runs",
    }),
    logs: z.array(JourneyLogSchema).openapi({ description: `Oldest first, at most ${LOG_LIMIT}` }),
    moreLogs: z.boolean().openapi({ description: `The run wrote more than ${LOG_LIMIT} lines` }),
  })
  .openapi("JourneyStateDetail");

const detailRoute = createRoute({
  method: "get",
  path: "/v1/admin/journeys/{id}/states/{stateId}",
  tags: ["Admin"],
  summary: "One enrollment with its step log: what the run did and what it waits for",
  middleware: [requireAccess("read")] as const,
  request: {
    params: z.object({
      id: z
        .string()
        .max(63)
        .openapi({ param: { name: "id", in: "path" }, example: "welcome" }),
      stateId: z.uuid(),
    }),
  },
  responses: {
    200: {
      description: "The enrollment and its log",
      content: { "application/json": { schema: JourneyStateDetailSchema } },
    },
    ...errorResponses(400, 401, 403, 404, 429),
  },
});

const serializeLog = (log: JourneyLog): z.infer<typeof JourneyLogSchema> => ({
  id: log.id,
  kind: log.kind,
  message: log.message,
  data: log.data,
  createdAt: log.createdAt.toISOString(),
});

export function registerAdminJourneyStateDetailRoute(
  app: ApiApp,
  runtime: { client: HogsendClient; journeys: { all: JourneyDefinition[] } },
) {
  const { db } = runtime.client.db;
  app.openapi(detailRoute, async (c) => {
    const { id, stateId } = c.req.valid("param");
    findJourney(runtime.journeys.all, id);
    const found = await journeyStateWithLogs(db, id, stateId, LOG_LIMIT);
    if (!found) throw new AppError("NOT_FOUND", `Journey ${id} has no enrollment ${stateId}`);
    return c.json(
      {
        state: serializeJourneyState(found.state),
        waitingFor: found.state.waitingFor,
        logs: found.logs.map(serializeLog),
        moreLogs: found.moreLogs,
      },
      200,
    );
  });
}
