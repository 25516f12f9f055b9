import { sql } from "drizzle-orm";
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, tenantId, updatedAt } from "./columns.js";
import { contacts } from "./contacts.js";

export const JOURNEY_STATUSES = ["active", "waiting", "completed", "failed", "exited"] as const;
export type JourneyStatus = (typeof JOURNEY_STATUSES)[number];

/** One enrollment of one user in one journey, mirrored from its Hatchet run. */
export const journeyStates = pgTable(
  "journey_states",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    journeyId: text("journey_id").notNull(),
    userKey: text("user_key").notNull(),
    contactId: uuid("contact_id").references(() => contacts.id, { onDelete: "set null" }),
    status: text("status").$type<JourneyStatus>().notNull().default("active"),
    /** The Hatchet run: how a replay recognises its own enrollment. */
    hatchetRunId: text("hatchet_run_id").notNull(),
    triggerEventId: uuid("trigger_event_id"),
    currentStep: text("current_step"),
    context: jsonb("context").$type<Record<string, unknown>>().notNull().default({}),
    waitDeadline: timestamp("wait_deadline", { withTimezone: true }),
    /**
     * The event a `ctx.waitForEvent` is waiting on, set before the wait starts and cleared after:
     * ingest queues this user's event for Hatchet while it is set, even when no journey triggers on it.
     */
    waitingFor: text("waiting_for"),
    /** How many times this user has entered this journey, this entry included. */
    entryCount: integer("entry_count").notNull().default(1),
    exitReason: text("exit_reason"),
    error: text("error"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: updatedAt(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    // One live enrollment per (user, journey): the database, not code, refuses a second.
    uniqueIndex("journey_states_live_key")
      .on(sql`coalesce(${t.tenantId}, '')`, t.userKey, t.journeyId)
      .where(sql`${t.status} in ('active', 'waiting')`),
    uniqueIndex("journey_states_hatchet_run_key").on(t.hatchetRunId),
    // One enrollment per trigger event and journey: Hatchet delivers an event at least once, and
    // a second delivery (a second run) must not enroll the user again once the first finished.
    uniqueIndex("journey_states_trigger_event_key")
      .on(t.journeyId, t.triggerEventId)
      .where(sql`${t.triggerEventId} is not null`),
    index("journey_states_journey_status_idx").on(t.journeyId, t.status),
    index("journey_states_user_key_idx").on(t.userKey, t.startedAt),
    index("journey_states_waiting_for_idx")
      .on(t.userKey, t.waitingFor)
      .where(sql`${t.waitingFor} is not null`),
  ],
);

/**
 * What happened in a journey run. Side-effect rows carry a deterministic idempotency key, so a
 * replayed run finds its earlier record instead of acting twice.
 */
export const journeyLogs = pgTable(
  "journey_logs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    journeyStateId: uuid("journey_state_id").references(() => journeyStates.id, { onDelete: "cascade" }),
    journeyId: text("journey_id").notNull(),
    userKey: text("user_key").notNull(),
    /** entered, skipped, checkpoint, sleep, wait, trigger, send, exited, completed, failed */
    kind: text("kind").notNull(),
    message: text("message"),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
    idempotencyKey: text("idempotency_key"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("journey_logs_idempotency_key").on(t.idempotencyKey),
    index("journey_logs_state_idx").on(t.journeyStateId, t.createdAt),
  ],
);

/** Operator overrides of a journey's code-defined settings, applied without a restart. */
export const journeyConfigs = pgTable("journey_configs", {
  journeyId: text("journey_id").primaryKey(),
  tenantId: tenantId(),
  /** Null: use the code's `enabled`. */
  enabled: boolean("enabled"),
  updatedBy: text("updated_by"),
  updatedAt: updatedAt(),
});

export type JourneyState = typeof journeyStates.$inferSelect;
