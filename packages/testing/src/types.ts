import type { Duration } from "@hogsend/core";
import type { TemplateRegistry } from "@hogsend/email";
import type { JourneyDefinition, PreferenceFacts } from "@hogsend/engine";

export type JourneyStatus = "active" | "waiting" | "completed" | "failed" | "exited";

/**
 * A contact's email choices, as in email_preferences and as the engine's send policy reads them.
 * No preferences means subscribed to everything.
 */
export type Preferences = PreferenceFacts;

export interface ContactSeed {
  /** Your product's user id: how harness calls name the user. */
  userId: string;
  email?: string;
  properties?: Record<string, unknown>;
  preferences?: Partial<Preferences>;
}

export interface JourneyHarnessOptions {
  /** The journeys a worker would register: each is triggered by its event, as on Hatchet. */
  journeys: JourneyDefinition[];
  /** Where virtual time starts (default 2025-01-01T00:00:00Z). */
  now?: Date | string;
  contacts?: ContactSeed[];
  /** Operator overrides (journey_configs.enabled) by journey id; null: the code's `enabled` stands. */
  configs?: Record<string, { enabled: boolean | null }>;
  /**
   * The app's email templates. With them `ctx.sendEmail` checks keys and props and takes each
   * template's category, as the mailer does; without them any key and props are accepted.
   */
  templates?: TemplateRegistry;
  /**
   * EMAIL_FREQUENCY_CAP_PER_DAY: most non-transactional emails one contact gets in 24 h of
   * virtual time; further ones are suppressed. Default: no cap, as the env's default.
   */
  frequencyCapPerDay?: number;
}

export interface SendOptions {
  /** The user's product id; the contact is created on first sight, as ingest does. */
  user: string;
  properties?: Record<string, unknown>;
  /** Sets the contact's email. */
  email?: string;
  /** Merged into the contact's properties (shallow), never into the event's. */
  contactProperties?: Record<string, unknown>;
  /** A repeated key is stored once and reaches no journey. */
  idempotencyKey?: string;
  /**
   * Where the event comes from: `api` (default), `webhook:<id>`, `email`, `admin:<id>`. Decides,
   * by the engine's `exitCheckApplies`, whether it may end enrollments through exitOn.
   */
  source?: string;
}

export interface SendResult {
  eventId: string;
  duplicate: boolean;
  /** Live enrollments this event ended through exitOn. */
  exits: number;
}

interface Captured {
  userId: string;
  journeyId: string;
  /** Virtual time when it happened. */
  at: Date;
}

/** An email the journey sent with `ctx.sendEmail`, suppressed ones included. */
export interface CapturedSend extends Captured {
  /** Stable across replays, like the runtime's send id for one run position. */
  sendId: string;
  template: string;
  to: string | null;
  /** As recorded: parsed by the template's props schema when the harness has templates. */
  props: Record<string, unknown>;
  /** The call's subject, else (with templates) the template's. */
  subject: string | undefined;
  /** The template's category (`categoryOf`); without templates the call's, else the journey's. */
  category: string | undefined;
  /**
   * `queued` (would go out) or `suppressed` with `reason`: preferences, the frequency cap, the
   * journey's emailMinGap or an ended enrollment stopped it (the engine's `decideSend`).
   */
  status: "queued" | "suppressed";
  reason: string | null;
}

export interface CapturedCheckpoint extends Captured {
  name: string;
  data: Record<string, unknown>;
}

/** An event a journey emitted with `ctx.trigger`. */
export interface CapturedTrigger extends Captured {
  event: string;
  properties: Record<string, unknown>;
}

export interface CapturedExit extends Captured {
  reason: string;
  /** `ctx.exit` in the journey's code, or an `exitOn` event ending the enrollment from outside. */
  by: "ctx.exit" | "exitOn";
}

/** A run the guards turned away. */
export interface CapturedSkip extends Captured {
  reason: string;
}

export interface StateSnapshot {
  id: string;
  journeyId: string;
  userId: string;
  status: JourneyStatus;
  currentStep: string | null;
  waitDeadline: Date | null;
  entryCount: number;
  exitReason: string | null;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

/** A journey_logs row as the runtime would write it. */
export interface LogEntry {
  journeyId: string;
  userId: string;
  stateId: string | null;
  kind: string;
  message: string;
  data: Record<string, unknown>;
  at: Date;
}

export interface HarnessEvent {
  id: string;
  name: string;
  userId: string;
  properties: Record<string, unknown>;
  occurredAt: Date;
  /** `api` (or the given source) for `harness.send`, `journey:<id>` for events journeys emit. */
  source: string;
}

export interface JourneyHarness {
  /** The virtual time. */
  now(): Date;
  /** Ingests an event now: exitOn first, then every journey it triggers, then the waits it ends. */
  send(event: string, options: SendOptions): Promise<SendResult>;
  /** Moves virtual time forward, firing sleeps and wait timeouts in order as their time comes. */
  advance(by: Duration | number): Promise<void>;
  advanceTo(at: Date | string): Promise<void>;
  /**
   * A worker crash: every live run replays from the top. Durable steps already done return
   * their recorded result, so checkpoints, triggers and sends must not repeat.
   */
  restart(): Promise<void>;
  /** Creates or updates a contact (email, properties merged, preferences merged). */
  contact(seed: ContactSeed): void;
  /** The operator's enable/disable override for a journey; null clears it. */
  configure(journeyId: string, config: { enabled: boolean | null }): void;

  sends(userId?: string): CapturedSend[];
  checkpoints(userId?: string): CapturedCheckpoint[];
  triggers(userId?: string): CapturedTrigger[];
  exits(userId?: string): CapturedExit[];
  skips(userId?: string): CapturedSkip[];
  events(userId?: string): HarnessEvent[];
  /** The user's latest enrollment in the journey, or undefined. */
  state(userId: string, journeyId: string): StateSnapshot | undefined;
  states(userId?: string): StateSnapshot[];
  readonly logs: LogEntry[];
}
