import { type Principal, principalKey, recordAudit } from "@hogsend/access";
import { AppError, suggest } from "@hogsend/core";
import {
  countJourneyStates,
  type Database,
  exitJourneyState,
  JOURNEY_STATUSES,
  type JourneyConfig,
  type JourneyState,
  type JourneyStatusCounts,
  listJourneyConfigs,
  listJourneyStates,
  type Queryable,
  setJourneyEnabled,
} from "@hogsend/db";
import { createRoute, z } from "@hono/zod-openapi";
import { principalOf, requireAccess } from "../access/require-access.js";
import { clientIp } from "../http/client-ip.js";
import { ErrorEnvelopeSchema, errorResponses } from "../http/errors.js";
import { pageOf, pageQuery } from "../http/pagination.js";
import type { ApiApp } from "../http/types.js";
import type { IngestService } from "../ingest/ingest-service.js";
import type { JourneyDefinition } from "../journeys/define-journey.js";
import { cancelJourneyRuns } from "../journeys/exit-check.js";
import {
  enrollManually,
  type ManualEnrollment,
  type ManualEnrollmentRequest,
} from "../journeys/manual-enrollment.js";
import { MANUAL_ENROLLMENT_EVENT } from "../journeys/trigger-event.js";
import type { HogsendClient } from "../platform/client.js";

const ConditionSchema = z.object({
  property: z.string(),
  op: z.string().openapi({ example: "eq" }),
  value: z.unknown().optional(),
});

const JourneySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    enabled: z.boolean().openapi({ description: "In effect now: the operator override, else the code" }),
    enabledInCode: z.boolean(),
    override: z
      .object({
        enabled: z.boolean().nullable().openapi({ description: "Null: the code decides" }),
        updatedBy: z.string().nullable(),
        updatedAt: z.iso.datetime(),
      })
      .nullable(),
    trigger: z.object({ event: z.string(), where: z.array(ConditionSchema) }),
    entryLimit: z.enum(["once", "once_per_period", "unlimited"]),
    entryPeriod: z.string().nullable(),
    exitOn: z.array(z.string()),
    category: z.string().nullable(),
    counts: z
      .object(
        Object.fromEntries(JOURNEY_STATUSES.map((s) => [s, z.number().int()])) as Record<
          (typeof JOURNEY_STATUSES)[number],
          z.ZodNumber
        >,
      )
      .openapi({ description: "Enrollments by status" }),
  })
  .openapi("Journey");

export const JourneyStateSchema = z
  .object({
    id: z.uuid(),
    journeyId: z.string(),
    contactId: z.uuid().nullable(),
    userKey: z.string(),
    status: z.enum(JOURNEY_STATUSES),
    currentStep: z.string().nullable(),
    hatchetRunId: z.string(),
    triggerEventId: z.uuid().nullable(),
    entryCount: z.number().int(),
    exitReason: z.string().nullable(),
    error: z.string().nullable(),
    context: z.record(z.string(), z.unknown()),
    waitDeadline: z.iso.datetime().nullable(),
    startedAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
  })
  .openapi("JourneyState");

export function serializeJourneyState(state: JourneyState): z.infer<typeof JourneyStateSchema> {
  return {
    id: state.id,
    journeyId: state.journeyId,
    contactId: state.contactId,
    userKey: state.userKey,
    status: state.status,
    currentStep: state.currentStep,
    hatchetRunId: state.hatchetRunId,
    triggerEventId: state.triggerEventId,
    entryCount: state.entryCount,
    exitReason: state.exitReason,
    error: state.error,
    context: state.context,
    waitDeadline: state.waitDeadline?.toISOString() ?? null,
    startedAt: state.startedAt.toISOString(),
    updatedAt: state.updatedAt.toISOString(),
    finishedAt: state.finishedAt?.toISOString() ?? null,
  };
}

function serializeJourney(
  journey: JourneyDefinition,
  config: JourneyConfig | undefined,
  counts: JourneyStatusCounts | undefined,
): z.infer<typeof JourneySchema> {
  const { meta } = journey;
  return {
    id: meta.id,
    name: meta.name,
    enabled: config?.enabled ?? meta.enabled,
    enabledInCode: meta.enabled,
    override: config
      ? { enabled: config.enabled, updatedBy: config.updatedBy, updatedAt: config.updatedAt.toISOString() }
      : null,
    trigger: { event: meta.trigger.event, where: [...(meta.trigger.where ?? [])] },
    entryLimit: meta.entryLimit,
    entryPeriod: meta.entryPeriod ?? null,
    exitOn: meta.exitOn ?? [],
    category: meta.category ?? null,
    counts: counts ?? (Object.fromEntries(JOURNEY_STATUSES.map((s) => [s, 0])) as JourneyStatusCounts),
  };
}

/** The journeys as the app knows them (code), merged with the operator overrides and counts. */
export async function describeJourneys(db: Queryable, journeys: readonly JourneyDefinition[]) {
  const ids = journeys.map((j) => j.meta.id);
  const [configs, counts] = await Promise.all([listJourneyConfigs(db, ids), countJourneyStates(db, ids)]);
  return journeys.map((j) => serializeJourney(j, configs.get(j.meta.id), counts.get(j.meta.id)));
}

const journeyParams = z.object({
  id: z
    .string()
    .max(63)
    .openapi({ param: { name: "id", in: "path" }, example: "welcome" }),
});

const conflict = (description: string) => ({
  description,
  content: { "application/json": { schema: ErrorEnvelopeSchema } },
});

const listRoute = createRoute({
  method: "get",
  path: "/v1/admin/journeys",
  tags: ["Admin"],
  summary: "The journeys in code, with the operator override and enrollment counts by status",
  middleware: [requireAccess("read")] as const,
  responses: {
    200: {
      description: "Every journey the app was built with",
      content: { "application/json": { schema: z.object({ items: z.array(JourneySchema) }) } },
    },
    ...errorResponses(401, 403, 429),
  },
});

const statesRoute = createRoute({
  method: "get",
  path: "/v1/admin/journeys/{id}/states",
  tags: ["Admin"],
  summary: "A journey's enrollments, newest first",
  middleware: [requireAccess("read")] as const,
  request: {
    params: journeyParams,
    query: z.object({ ...pageQuery, status: z.enum(JOURNEY_STATUSES).optional() }),
  },
  responses: {
    200: {
      description: "A page of enrollments",
      content: { "application/json": { schema: pageOf(JourneyStateSchema) } },
    },
    ...errorResponses(400, 401, 403, 404, 429),
  },
});

const patchRoute = createRoute({
  method: "patch",
  path: "/v1/admin/journeys/{id}",
  tags: ["Admin"],
  summary: "Enable or disable a journey now, without a restart",
  description:
    "Stores the operator override. Every enrollment reads it, so it applies to the next trigger " +
    "event; runs already enrolled continue. `enabled: null` removes the override and the code decides again.",
  middleware: [requireAccess("write")] as const,
  request: {
    params: journeyParams,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.strictObject({ enabled: z.boolean().nullable() }).openapi("JourneyUpdate"),
        },
      },
    },
  },
  responses: {
    200: {
      description: "The journey as it now stands",
      content: { "application/json": { schema: JourneySchema } },
    },
    ...errorResponses(400, 401, 403, 404, 429),
  },
});

const cancelRoute = createRoute({
  method: "delete",
  path: "/v1/admin/journeys/{id}/states/{stateId}",
  tags: ["Admin"],
  summary: "Cancel a live enrollment",
  description:
    "Marks the enrollment `exited` (reason `cancelled by <who>`) and cancels its workflow run. " +
    "Only an active or waiting enrollment can be cancelled; anything else is a 409 naming its status.",
  middleware: [requireAccess("write")] as const,
  request: { params: journeyParams.extend({ stateId: z.uuid() }) },
  responses: {
    200: {
      description: "Cancelled",
      content: {
        "application/json": {
          schema: z.object({
            state: JourneyStateSchema,
            runCancelled: z.boolean().openapi({
              description: "The workflow engine accepted the cancel; false means it was unreachable",
            }),
          }),
        },
      },
    },
    ...errorResponses(400, 401, 403, 404, 429),
    409: conflict("The enrollment has already ended"),
  },
});

const EnrollSchema = z
  .object({
    contactId: z.uuid().optional(),
    userId: z.string().min(1).max(255).optional(),
    email: z.email().max(320).optional(),
    properties: z.record(z.string(), z.unknown()).optional().openapi({
      description: "Properties of the stored event: what trigger.where is checked against and the run sees",
    }),
  })
  .superRefine((v, ctx) => {
    const given = (["contactId", "userId", "email"] as const).filter((f) => v[f] !== undefined);
    if (given.length === 1) return;
    for (const field of given.length === 0 ? ["contactId", "userId", "email"] : given) {
      ctx.addIssue({
        code: "custom",
        path: [field],
        message: "give exactly one of contactId, userId or email",
      });
    }
  })
  .openapi("EnrollRequest");

const enrollRoute = createRoute({
  method: "post",
  path: "/v1/admin/journeys/{id}/enroll",
  tags: ["Admin"],
  summary: "Enroll one existing contact in this journey",
  description:
    `Stores a \`${MANUAL_ENROLLMENT_EVENT}\` event for the contact (through the ingest pipeline) and ` +
    "starts this journey's durable run for that event alone: no other journey starts, not even one " +
    "on the same trigger event. The run applies the journey's guards exactly as a trigger event " +
    "would: enabled, `trigger.where` (evaluated on `properties`, so pass what the trigger expects), " +
    "entry limit, global unsubscribe, one live enrollment. They are also checked before anything " +
    "is stored, so a refusal is a 409 whose `details.reason` says why. A replayed Idempotency-Key " +
    "answers with the original event and run; it starts the run only when the first attempt stored " +
    "the event but could not reach the workflow engine (503).",
  // The body limit is the admin-wide one (create-app).
  middleware: [requireAccess("write")] as const,
  request: {
    params: journeyParams,
    headers: z.object({ "idempotency-key": z.string().min(1).max(200).optional() }),
    body: { required: true, content: { "application/json": { schema: EnrollSchema } } },
  },
  responses: {
    202: {
      description: "Stored and started",
      content: {
        "application/json": {
          schema: z
            .object({
              eventId: z.uuid(),
              contactId: z.uuid(),
              runId: z
                .string()
                .openapi({ description: "The Hatchet run: journey states carry it as hatchetRunId" }),
              duplicate: z.boolean().openapi({ description: "A replayed Idempotency-Key" }),
            })
            .openapi("Enrollment"),
        },
      },
    },
    ...errorResponses(400, 401, 403, 404, 413, 429),
    409: conflict("A guard refuses this contact: see details.reason"),
    503: conflict(
      "The event is stored but the workflow engine is unreachable: retry with the same Idempotency-Key",
    ),
  },
});

type Actor = Principal | "system";
const actorKey = (actor: Actor) => (actor === "system" ? "system" : principalKey(actor));

/** The journey with this id, or a NOT_FOUND naming the closest id and every known one. */
export function findJourney(journeys: readonly JourneyDefinition[], id: string): JourneyDefinition {
  const journey = journeys.find((j) => j.meta.id === id);
  if (journey) return journey;
  const known = journeys.map((j) => j.meta.id);
  const best = suggest(id, known);
  throw new AppError(
    "NOT_FOUND",
    `No journey ${JSON.stringify(id)}${best ? ` (did you mean ${best}?)` : ""}; known: ${known.join(", ") || "none"}`,
  );
}

/**
 * Stores the operator override (`null`: the code decides again), audited, and answers the journey
 * as it now stands. The admin API and `hogsend journeys enable|disable` both land here.
 */
export async function overrideJourneyEnabled(
  db: Database,
  journey: JourneyDefinition,
  enabled: boolean | null,
  actor: Actor,
  ip?: string,
) {
  const id = journey.meta.id;
  const before = (await listJourneyConfigs(db, [id])).get(id);
  await setJourneyEnabled(db, id, enabled, actorKey(actor));
  await recordAudit(db, actor, {
    action: "journey.update",
    resourceType: "journey",
    resourceId: id,
    ip: ip ?? null,
    metadata: { enabled, previous: before?.enabled ?? null, enabledInCode: journey.meta.enabled },
  });
  const [described] = await describeJourneys(db, [journey]);
  if (!described) throw new Error(`journey ${id} vanished while describing it`);
  return described;
}

/**
 * Ends a live enrollment (`exited`, reason `cancelled by <who>`), cancels its run on Hatchet, and
 * audits it. NOT_FOUND for an unknown enrollment, CONFLICT naming the status of an ended one.
 */
export async function cancelEnrollment(
  client: HogsendClient,
  journey: JourneyDefinition,
  stateId: string,
  actor: Actor,
  ip?: string,
): Promise<{ state: JourneyState; runCancelled: boolean }> {
  const { db } = client.db;
  const id = journey.meta.id;
  const result = await exitJourneyState(db, {
    journeyId: id,
    stateId,
    reason: `cancelled by ${actorKey(actor)}`,
  });
  if (!result) throw new AppError("NOT_FOUND", `Journey ${id} has no enrollment ${stateId}`);
  const { state } = result;
  if (!result.ended) {
    throw new AppError("CONFLICT", `Enrollment ${stateId} has already ended: it is ${state.status}`, {
      details: { status: state.status },
    });
  }
  const runCancelled = await cancelJourneyRuns(client, [state.hatchetRunId]);
  await recordAudit(db, actor, {
    action: "journey_state.cancel",
    resourceType: "journey_state",
    resourceId: state.id,
    ip: ip ?? null,
    metadata: { journeyId: id, userKey: state.userKey, hatchetRunId: state.hatchetRunId, runCancelled },
  });
  return { state, runCancelled };
}

/** `enrollManually`, audited when it started a run (a replay that found its run is not). */
export async function enrollByHand(
  runtime: { client: HogsendClient; ingest: IngestService },
  journey: JourneyDefinition,
  request: Omit<ManualEnrollmentRequest, "actor">,
  actor: Actor,
  ip?: string,
): Promise<ManualEnrollment> {
  const enrollment = await enrollManually({ client: runtime.client, events: runtime.ingest }, journey, {
    ...request,
    actor: actorKey(actor),
  });
  if (enrollment.started) {
    await recordAudit(runtime.client.db.db, actor, {
      action: "journey.enroll",
      resourceType: "journey",
      resourceId: journey.meta.id,
      ip: ip ?? null,
      metadata: {
        contactId: enrollment.contactId,
        eventId: enrollment.eventId,
        runId: enrollment.runId,
        replay: enrollment.duplicate,
      },
    });
  }
  return enrollment;
}

export function registerAdminJourneyRoutes(
  app: ApiApp,
  runtime: { client: HogsendClient; ingest: IngestService; journeys: { all: JourneyDefinition[] } },
) {
  const { client } = runtime;
  const journeys = runtime.journeys.all;
  const { db } = client.db;
  const journeyOr404 = (id: string) => findJourney(journeys, id);

  app.openapi(listRoute, async (c) => c.json({ items: await describeJourneys(db, journeys) }, 200));

  app.openapi(statesRoute, async (c) => {
    const { id } = c.req.valid("param");
    const q = c.req.valid("query");
    journeyOr404(id);
    const page = await listJourneyStates(db, {
      journeyId: id,
      status: q.status,
      limit: q.limit,
      cursor: q.cursor,
    });
    return c.json({ items: page.items.map(serializeJourneyState), nextCursor: page.nextCursor }, 200);
  });

  app.openapi(patchRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { enabled } = c.req.valid("json");
    const journey = journeyOr404(id);
    return c.json(await overrideJourneyEnabled(db, journey, enabled, principalOf(c), clientIp(c)), 200);
  });

  app.openapi(cancelRoute, async (c) => {
    const { id, stateId } = c.req.valid("param");
    const journey = journeyOr404(id);
    const { state, runCancelled } = await cancelEnrollment(
      client,
      journey,
      stateId,
      principalOf(c),
      clientIp(c),
    );
    return c.json({ state: serializeJourneyState(state), runCancelled }, 200);
  });

  app.openapi(enrollRoute, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const { "idempotency-key": idempotencyKey } = c.req.valid("header");
    const journey = journeyOr404(id);
    const target = body.contactId
      ? { contactId: body.contactId }
      : body.userId
        ? { userId: body.userId }
        : { email: body.email ?? "" };
    const enrollment = await enrollByHand(
      runtime,
      journey,
      { target, properties: body.properties ?? {}, idempotencyKey },
      principalOf(c),
      clientIp(c),
    );
    const { started: _started, ...answer } = enrollment;
    return c.json(answer, 202);
  });
}
