import { and, eq, inArray, sql } from "drizzle-orm";
import { alias, QueryBuilder } from "drizzle-orm/pg-core";
import type { Database, Queryable } from "../client.js";
import { type Contact, contacts } from "../schema/contacts.js";
import {
  type JourneyState,
  type JourneyStatus,
  journeyConfigs,
  journeyLogs,
  journeyStates,
} from "../schema/journeys.js";
import { emailPreferences } from "../schema/preferences.js";

const LIVE: JourneyStatus[] = ["active", "waiting"];

/** What enrolling a contact in a journey looks at, read in one statement (`readEnrollment`). */
export interface EnrollmentRead {
  /** Soft-deleted contacts included: check `deletedAt`. */
  contact: Contact;
  /** This Hatchet run's own enrollment: found when the run is a replay. */
  state: JourneyState | undefined;
  /** The operator's override (journey_configs.enabled); null (no row, or unset): the code decides. */
  configEnabled: boolean | null;
  /** This user's enrollments in the journey so far. */
  entries: { count: number; latestStartedAt: Date | undefined };
  /** The user's live (active or waiting) enrollment in the journey, if any. */
  live: { id: string; status: JourneyStatus } | undefined;
  /** email_preferences.unsubscribed_all; no preferences row means false. */
  unsubscribedAll: boolean;
}

// Built once per database handle: the SQL text is rendered at prepare time, not per call.
const reads = new WeakMap<object, ReturnType<typeof prepareRead>>();
const enters = new WeakMap<object, ReturnType<typeof prepareEnter>>();

function cached<T>(cache: WeakMap<object, T>, db: object, prepare: () => T): T {
  let prepared = cache.get(db);
  if (!prepared) {
    prepared = prepare();
    cache.set(db, prepared);
  }
  return prepared;
}

function prepareRead(db: Queryable) {
  const contactId = sql.placeholder("contactId");
  const journeyId = sql.placeholder("journeyId");
  // The user key of a journey state is its contact's id.
  const ofUser = and(eq(journeyStates.userKey, contactId), eq(journeyStates.journeyId, journeyId));
  const history = db
    .select({
      count: sql<number>`count(*)::int`.as("history_count"),
      latestStartedAt: sql<Date | null>`max(${journeyStates.startedAt})`
        .mapWith(journeyStates.startedAt)
        .as("history_latest_started_at"),
    })
    .from(journeyStates)
    .where(ofUser)
    .as("history");
  // At most one: the live unique index.
  const live = db
    .select({ id: journeyStates.id, status: journeyStates.status })
    .from(journeyStates)
    .where(and(ofUser, inArray(journeyStates.status, LIVE)))
    .limit(1)
    .as("live");
  const runState = alias(journeyStates, "run_state");
  return db
    .select({
      contact: contacts,
      state: runState,
      configEnabled: journeyConfigs.enabled,
      unsubscribedAll: emailPreferences.unsubscribedAll,
      entryCount: history.count,
      latestStartedAt: history.latestStartedAt,
      liveId: live.id,
      liveStatus: live.status,
    })
    .from(contacts)
    .leftJoin(runState, eq(runState.hatchetRunId, sql.placeholder("hatchetRunId")))
    .leftJoin(journeyConfigs, eq(journeyConfigs.journeyId, journeyId))
    .leftJoin(emailPreferences, eq(emailPreferences.contactId, contacts.id))
    .leftJoin(history, sql`true`)
    .leftJoin(live, sql`true`)
    .where(eq(contacts.id, contactId))
    .prepare("read_enrollment");
}

/**
 * Everything enrolling a contact in a journey needs, in one statement: the contact, this run's
 * own state (a replay), the operator's override, the entry history, the live enrollment and the
 * global unsubscribe. Undefined when no such contact exists.
 */
export async function readEnrollment(
  db: Queryable,
  input: { contactId: string; journeyId: string; hatchetRunId?: string | undefined },
): Promise<EnrollmentRead | undefined> {
  const [row] = await cached(reads, db, () => prepareRead(db)).execute({
    contactId: input.contactId,
    journeyId: input.journeyId,
    hatchetRunId: input.hatchetRunId ?? null,
  });
  if (!row) return undefined;
  return {
    contact: row.contact,
    state: row.state ?? undefined,
    configEnabled: row.configEnabled,
    entries: { count: row.entryCount ?? 0, latestStartedAt: row.latestStartedAt ?? undefined },
    live: row.liveId && row.liveStatus ? { id: row.liveId, status: row.liveStatus } : undefined,
    unsubscribedAll: row.unsubscribedAll ?? false,
  };
}

/** A query function's handle that can also attach CTEs: the pool or a transaction. */
type CteQueryable = Queryable & Pick<Database, "with">;

function prepareEnter(db: CteQueryable) {
  const qb = new QueryBuilder();
  const placeholder = sql.placeholder;
  const entered = qb.$with("entered").as(
    db
      .insert(journeyStates)
      .values({
        journeyId: placeholder("journeyId"),
        userKey: placeholder("userKey"),
        contactId: placeholder("contactId"),
        hatchetRunId: placeholder("hatchetRunId"),
        triggerEventId: placeholder("triggerEventId"),
        entryCount: placeholder("entryCount"),
        currentStep: "entered",
      })
      .onConflictDoNothing()
      .returning(),
  );
  // Runs only for a row the insert returned; the key is the one every replay computes.
  const enteredLog = qb.$with("entered_log", {}).as(sql`
    insert into ${journeyLogs} (journey_state_id, journey_id, user_key, kind, message, data, idempotency_key)
    select ${entered.id}, ${entered.journeyId}, ${entered.userKey}, 'entered', ${placeholder("message")},
      jsonb_build_object('eventId', ${entered.triggerEventId}), ${entered.hatchetRunId} || ':entered'
    from ${entered}
    on conflict do nothing`);
  return db.with(entered, enteredLog).select().from(entered).prepare("enter_journey");
}

/**
 * Records a new live enrollment and its "entered" log (keyed `<run id>:entered`) in one
 * statement. Undefined when the insert conflicted: the user is already live in the journey, or
 * this run already enrolled (a replay racing the first attempt).
 */
export async function enterJourney(
  db: CteQueryable,
  input: {
    journeyId: string;
    userKey: string;
    contactId: string;
    hatchetRunId: string;
    triggerEventId: string;
    entryCount: number;
    /** The log line, e.g. `entered on user_signed_up`. */
    message: string;
  },
): Promise<JourneyState | undefined> {
  const [state] = await cached(enters, db, () => prepareEnter(db)).execute(input);
  return state;
}
