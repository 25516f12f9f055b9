import { Or, SleepCondition, UserEventCondition } from "@hatchet-dev/typescript-sdk/v1/conditions/index.js";
import type { DurableContext, JsonObject } from "@hatchet-dev/typescript-sdk/v1/index.js";
import { evaluateConditions, parseDuration, toHatchetDuration } from "@hogsend/core";
import {
  getEmailPreferences,
  hasUserEvent,
  insertJourneyLog,
  type JourneyState,
  latestJourneyState,
  updateJourneyState,
} from "@hogsend/db";
import { isSubscribed } from "../email/preferences/subscription.js";
import type { PushedEventPayload } from "../ingest/outbox-pusher.js";
import {
  type JourneyContext,
  type JourneyDefinition,
  JourneyExit,
  type JourneyUser,
  type WaitForEventOptions,
  type WaitResult,
} from "./define-journey.js";
import type { JourneyServices } from "./journey-services.js";

/** CEL for "this user's event, carrying these correlation values", evaluated inside Hatchet. */
export function waitExpression(userKey: string, match: WaitForEventOptions["match"]): string {
  const clauses = [`input.userKey == ${JSON.stringify(userKey)}`];
  for (const [property, value] of Object.entries(match ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(property)) {
      throw new Error(`waitForEvent match property ${JSON.stringify(property)} must be a plain identifier`);
    }
    clauses.push(`input.properties.${property} == ${JSON.stringify(value)}`);
  }
  return clauses.join(" && ");
}

/**
 * The `ctx` a journey's code receives, bound to one Hatchet durable run. Every side effect is
 * keyed by the run id and its position in the run, so a replay finds its earlier effect.
 */
export function createJourneyContext(deps: {
  services: JourneyServices;
  journey: JourneyDefinition;
  state: JourneyState;
  user: JourneyUser;
  hatchet: DurableContext<JsonObject>;
}): JourneyContext {
  const { journey, state, user, hatchet } = deps;
  const { client, events, mailer } = deps.services;
  const { db } = client.db;
  const runId = state.hatchetRunId;
  let position = 0;
  const nextKey = (kind: string) => `${runId}:${++position}:${kind}`;
  const log = (kind: string, idempotencyKey: string, message: string, data: Record<string, unknown> = {}) =>
    insertJourneyLog(db, {
      journeyStateId: state.id,
      journeyId: journey.meta.id,
      userKey: user.key,
      kind,
      message,
      data,
      idempotencyKey,
    });

  async function sleepFor(ms: number, label: string) {
    const key = nextKey("sleep");
    const deadline = new Date((await hatchet.now()).getTime() + ms);
    await updateJourneyState(db, state.id, { status: "waiting", waitDeadline: deadline, currentStep: label });
    await log("sleep", key, label, { until: deadline.toISOString() });
    await hatchet.sleepFor(toHatchetDuration(ms));
    await updateJourneyState(db, state.id, { status: "active", waitDeadline: null });
  }

  return {
    sleep: (duration) => sleepFor(parseDuration(duration), `sleep:${duration}`),
    sleepUntil: async (at) =>
      sleepFor(
        Math.max(0, at.getTime() - (await hatchet.now()).getTime()),
        `sleep-until:${at.toISOString()}`,
      ),

    async waitForEvent(options): Promise<WaitResult> {
      const key = nextKey("wait");
      const label = `wait:${options.event}`;
      // Declared before the wait's start is taken: from this commit on, ingest queues this
      // contact's `options.event` for Hatchet even when no journey triggers on it, so an event
      // that lands between the start and the wait registering still reaches it.
      await updateJourneyState(db, state.id, {
        status: "waiting",
        waitingFor: options.event,
        currentStep: label,
      });
      const started = await hatchet.now();
      const deadline = started.getTime() + parseDuration(options.timeout);
      const expression = waitExpression(user.key, options.match);
      await updateJourneyState(db, state.id, { waitDeadline: new Date(deadline) });
      await log("wait", key, label, { timeout: options.timeout, match: options.match ?? null });
      // Events that land between this call and the wait registering still count.
      let since = started;
      let result: WaitResult = { timedOut: true, properties: {}, occurredAt: null };
      while (true) {
        const remaining = deadline - (await hatchet.now()).getTime();
        if (remaining <= 0) break;
        const outcome = (await hatchet.waitFor(
          Or(
            new SleepCondition(toHatchetDuration(remaining), "timeout"),
            new UserEventCondition(
              options.event,
              expression,
              "event",
              undefined,
              user.key,
              since.toISOString(),
            ),
          ),
        )) as { CREATE?: { event?: PushedEventPayload[] } };
        const payload = outcome.CREATE?.event?.[0];
        if (!payload) break;
        if (evaluateConditions(options.where, payload.properties)) {
          result = {
            timedOut: false,
            properties: payload.properties,
            occurredAt: new Date(payload.occurredAt),
          };
          break;
        }
        // Not the one (fails `where`): wait on, past this event.
        since = new Date(new Date(payload.occurredAt).getTime() + 1);
      }
      await updateJourneyState(db, state.id, { status: "active", waitDeadline: null, waitingFor: null });
      return result;
    },

    async checkpoint(name, data = {}) {
      const key = nextKey("checkpoint");
      await updateJourneyState(db, state.id, { currentStep: name });
      await log("checkpoint", key, name, data);
    },

    async sendEmail(email) {
      const key = nextKey("email");
      if (!mailer) throw new Error("ctx.sendEmail needs templates: give them to createRuntime");
      // The key ties the send to this position in this run: a replay gets the same send back.
      const { send } = await mailer.enqueue({
        contactId: user.contactId,
        to: email.to,
        template: email.template,
        props: email.props as Record<string, unknown>,
        subject: email.subject,
        category: email.category,
        idempotencyKey: `journey:${key}`,
        journey: {
          id: journey.meta.id,
          stateId: state.id,
          minGapMs: journey.meta.emailMinGap ? parseDuration(journey.meta.emailMinGap) : undefined,
        },
      });
      await log("email", key, email.template, { sendId: send.id, status: send.status, reason: send.reason });
      return { sendId: send.id, status: send.status, reason: send.reason };
    },

    async trigger(event, properties = {}) {
      const key = nextKey("trigger");
      // Under the run's contact as it is; as a journey's own event, it ends no enrollment.
      await events.recordContactEvent(
        user.contactId,
        { name: event, properties: { ...properties, journeyId: journey.meta.id } },
        { source: `journey:${journey.meta.id}`, idempotencyKey: `journey:${key}` },
      );
      await log("trigger", key, event, properties);
    },

    exit(reason) {
      throw new JourneyExit(reason);
    },

    now: () => hatchet.now(),

    history: {
      hasEvent: (event, opts) => hasUserEvent(db, user.key, event, opts?.since),
      async journey(journeyId) {
        const found = await latestJourneyState(db, user.key, journeyId);
        return found
          ? { status: found.status, startedAt: found.startedAt, finishedAt: found.finishedAt }
          : null;
      },
    },

    guard: {
      isSubscribed: async (category = journey.meta.category) =>
        isSubscribed(await getEmailPreferences(db, user.contactId), category),
    },
  };
}
