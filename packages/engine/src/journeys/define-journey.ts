import { type Condition, type Duration, parseDuration } from "@hogsend/core";
import type { TemplateKey, TemplateProps, TemplateRegistry } from "@hogsend/email";

export type EntryLimit = "once" | "once_per_period" | "unlimited";

export interface JourneyMeta {
  /** Stable id: the Hatchet task is `journey-<id>`. Lowercase letters, digits, dashes. */
  id: string;
  name: string;
  enabled: boolean;
  trigger: { event: string; where?: Condition[] };
  entryLimit: EntryLimit;
  /** Required with `once_per_period`. */
  entryPeriod?: Duration;
  /** Events that end a live enrollment at once (and cancel its run). */
  exitOn?: string[];
  /** Email category, for preference checks. */
  category?: string;
  /** Least time between two of this journey's emails to one contact; a closer one is suppressed. */
  emailMinGap?: Duration;
}

/** The enrolled user as the journey sees it. */
export interface JourneyUser {
  /** Canonical user key (the contact id): what waits and history correlate on. */
  key: string;
  contactId: string;
  userId: string | null;
  email: string | null;
  anonymousId: string | null;
  properties: Record<string, unknown>;
  /** The event that started this enrollment. */
  event: { id: string; name: string; properties: Record<string, unknown>; occurredAt: Date };
}

export interface WaitForEventOptions {
  event: string;
  timeout: Duration;
  /** Conditions on the awaited event's properties; a non-matching event keeps the wait going. */
  where?: Condition[];
  /** Correlation, filtered inside Hatchet: property → value the event must carry (this order, not any). */
  match?: Record<string, string | number | boolean>;
}

export interface WaitResult {
  timedOut: boolean;
  properties: Record<string, unknown>;
  occurredAt: Date | null;
}

/**
 * Apps register their template registry here so `ctx.sendEmail` checks template keys and props
 * at compile time:
 *
 *   declare module "@hogsend/engine" { interface Register { templates: typeof templates } }
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by apps through declaration merging
export interface Register {}

/** The registry the app registered, or any registry when none is. */
export type RegisteredTemplates = Register extends { templates: infer R extends TemplateRegistry }
  ? R
  : TemplateRegistry;

export type JourneyEmail<K extends TemplateKey<RegisteredTemplates> = TemplateKey<RegisteredTemplates>> = {
  template: K;
  props: TemplateProps<RegisteredTemplates, K>;
  /** Overrides the template's subject. */
  subject?: string;
  /** Overrides the template's preference category (never to or from transactional). */
  category?: string;
  /** Overrides the contact's address. */
  to?: string;
};

export interface JourneySendResult {
  sendId: string;
  /** `queued` (on its way), `sent`, or `suppressed` with the reason (preferences, cap, gap). */
  status: string;
  reason: string | null;
}

export interface JourneyContext {
  /** Durable: survives worker restarts. */
  sleep(duration: Duration): Promise<void>;
  sleepUntil(at: Date): Promise<void>;
  waitForEvent(options: WaitForEventOptions): Promise<WaitResult>;
  /** Marks progress (shown as the state's current step) and logs it once. */
  checkpoint(name: string, data?: Record<string, unknown>): Promise<void>;
  /**
   * Sends an email to this user through the mailer, once per run position: a replay finds the
   * same send. Preferences, suppression, the frequency cap and `emailMinGap` may suppress it.
   */
  sendEmail<K extends TemplateKey<RegisteredTemplates>>(email: JourneyEmail<K>): Promise<JourneySendResult>;
  /** Emits an event for this user, once per run position (replays do not re-emit). */
  trigger(event: string, properties?: Record<string, unknown>): Promise<void>;
  /** Ends the enrollment as `exited`. */
  exit(reason: string): never;
  /** The current time, stable across replays. */
  now(): Promise<Date>;
  history: {
    hasEvent(event: string, options?: { since?: Date }): Promise<boolean>;
    journey(journeyId: string): Promise<{ status: string; startedAt: Date; finishedAt: Date | null } | null>;
  };
  guard: {
    /** Not globally unsubscribed, not suppressed, and not opted out of `category` (default: the journey's). */
    isSubscribed(category?: string): Promise<boolean>;
  };
}

export interface JourneyDefinition {
  meta: JourneyMeta;
  run(user: JourneyUser, ctx: JourneyContext): Promise<void>;
}

/** Thrown by `ctx.exit`; the runner records the state as exited. */
export class JourneyExit extends Error {
  constructor(readonly reason: string) {
    super(`journey exited: ${reason}`);
    this.name = "JourneyExit";
  }
}

/** Declares a journey; checks its meta at definition time so mistakes fail at boot. */
export function defineJourney(definition: JourneyDefinition): JourneyDefinition {
  const { meta } = definition;
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(meta.id)) {
    throw new Error(`journey id ${JSON.stringify(meta.id)} must be lowercase letters, digits and dashes`);
  }
  if (meta.entryLimit === "once_per_period") {
    if (!meta.entryPeriod)
      throw new Error(`journey ${meta.id}: entryLimit once_per_period needs entryPeriod`);
    parseDuration(meta.entryPeriod);
  }
  if (meta.emailMinGap) parseDuration(meta.emailMinGap);
  return definition;
}
