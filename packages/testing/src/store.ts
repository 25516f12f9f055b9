import type {
  CapturedCheckpoint,
  CapturedExit,
  CapturedSend,
  CapturedTrigger,
  JourneyStatus,
  Preferences,
} from "./types.js";

export interface ContactRecord {
  /** The canonical user key (the contact id), distinct from the product's user id as at runtime. */
  key: string;
  userId: string;
  email: string | null;
  properties: Record<string, unknown>;
  /** Undefined: no preferences row, i.e. subscribed to everything. */
  preferences: Preferences | undefined;
}

export interface StoredEvent {
  id: string;
  /** Position in the event log: what "at or after the wait started" means in virtual time. */
  seq: number;
  name: string;
  userKey: string;
  properties: Record<string, unknown>;
  occurredAt: Date;
  source: string;
}

export interface StateRecord {
  id: string;
  journeyId: string;
  userKey: string;
  runId: string;
  triggerEventId: string;
  status: JourneyStatus;
  currentStep: string | null;
  waitDeadline: Date | null;
  entryCount: number;
  exitReason: string | null;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

export interface LogRecord {
  stateId: string | null;
  journeyId: string;
  userKey: string;
  kind: string;
  message: string;
  data: Record<string, unknown>;
  idempotencyKey: string;
  at: Date;
}

const LIVE: JourneyStatus[] = ["active", "waiting"];
export const isLive = (state: StateRecord) => LIVE.includes(state.status);

export type Store = ReturnType<typeof createStore>;

/**
 * The harness's database: the rows the runtime keeps in Postgres, with the same idempotency
 * keys and "only while live" updates, plus the captured effects tests assert on.
 */
export function createStore() {
  const contacts = new Map<string, ContactRecord>();
  const configs = new Map<string, boolean | null>();
  const events: StoredEvent[] = [];
  const eventKeys = new Map<string, StoredEvent>();
  const states: StateRecord[] = [];
  const logs: LogRecord[] = [];
  const logKeys = new Set<string>();
  const captured = {
    sends: [] as CapturedSend[],
    checkpoints: [] as CapturedCheckpoint[],
    triggers: [] as CapturedTrigger[],
    exits: [] as CapturedExit[],
  };

  const contactByKey = (key: string) => [...contacts.values()].find((c) => c.key === key);

  return {
    contacts,
    configs,
    events,
    states,
    logs,
    captured,
    contactByKey,
    userIdOf: (key: string) => contactByKey(key)?.userId ?? key,

    upsertContact(input: {
      userId: string;
      email?: string | undefined;
      properties?: Record<string, unknown> | undefined;
      preferences?: Partial<Preferences> | undefined;
    }): ContactRecord {
      let contact = contacts.get(input.userId);
      if (!contact) {
        contact = {
          key: `contact_${input.userId}`,
          userId: input.userId,
          email: null,
          properties: {},
          preferences: undefined,
        };
        contacts.set(input.userId, contact);
      }
      if (input.email) contact.email = input.email;
      if (input.properties) contact.properties = { ...contact.properties, ...input.properties };
      if (input.preferences) {
        contact.preferences = {
          unsubscribedAll: false,
          suppressed: false,
          optedOutCategories: [],
          ...contact.preferences,
          ...input.preferences,
        };
      }
      return contact;
    },

    /** Stores an event once per idempotency key; a repeat returns the original as a duplicate. */
    insertEvent(
      row: Omit<StoredEvent, "id" | "seq">,
      idempotencyKey: string | undefined,
    ): { event: StoredEvent; duplicate: boolean } {
      const original = idempotencyKey ? eventKeys.get(idempotencyKey) : undefined;
      if (original) return { event: original, duplicate: true };
      const event = { ...row, id: `event-${events.length + 1}`, seq: events.length + 1 };
      events.push(event);
      if (idempotencyKey) eventKeys.set(idempotencyKey, event);
      return { event, duplicate: false };
    },
    lastEventSeq: () => events.length,

    entryHistory(userKey: string, journeyId: string) {
      const mine = states.filter((s) => s.userKey === userKey && s.journeyId === journeyId);
      return { count: mine.length, latestStartedAt: mine.at(-1)?.startedAt };
    },
    latestState: (userKey: string, journeyId: string) =>
      states.findLast((s) => s.userKey === userKey && s.journeyId === journeyId),
    liveState: (userKey: string, journeyId: string) =>
      states.find((s) => s.userKey === userKey && s.journeyId === journeyId && isLive(s)),
    insertState(row: StateRecord) {
      states.push(row);
      return row;
    },
    /** Like the runtime's update: a state that already ended keeps its record. */
    updateState(
      state: StateRecord,
      patch: Partial<Pick<StateRecord, "status" | "currentStep" | "waitDeadline">>,
    ) {
      if (isLive(state)) Object.assign(state, patch);
    },
    /** Ends a live state; false when it had already ended (say by exitOn). */
    finishState(
      state: StateRecord,
      outcome: { status: "completed" | "failed" | "exited"; exitReason?: string; error?: string },
      at: Date,
    ): boolean {
      if (!isLive(state)) return false;
      Object.assign(state, {
        status: outcome.status,
        exitReason: outcome.exitReason ?? null,
        error: outcome.error ?? null,
        waitDeadline: null,
        finishedAt: at,
      });
      return true;
    },

    /** Records a log line; a second write under the same key is a no-op (returns false). */
    insertLog(row: LogRecord): boolean {
      if (logKeys.has(row.idempotencyKey)) return false;
      logKeys.add(row.idempotencyKey);
      logs.push(row);
      return true;
    },
  };
}
