import { evaluateConditions, parseDuration, toHatchetDuration } from "@hogsend/core";
import {
  isSubscribed,
  type JourneyContext,
  JourneyExit,
  type JourneyUser,
  type WaitResult,
  waitExpression,
} from "@hogsend/engine";
import type { DurableSteps } from "./durable.js";
import { ingest } from "./ingest.js";
import { recordSend } from "./sends.js";
import type { Run, World } from "./world.js";

/**
 * The `ctx` a journey receives in the harness. It follows the runtime's journey-context.ts
 * step for step: the same state updates, the same log lines under the same positional
 * idempotency keys, the same durable calls (so a replay finds its earlier effects).
 */
export function createHarnessContext(deps: {
  world: World;
  run: Run;
  user: JourneyUser;
  steps: DurableSteps;
}): JourneyContext {
  const { world, run, user, steps } = deps;
  const { store, clock } = world;
  const { state, journey } = run;
  let position = 0;
  const nextKey = (kind: string) => `${run.id}:${++position}:${kind}`;
  const log = (kind: string, idempotencyKey: string, message: string, data: Record<string, unknown> = {}) =>
    store.insertLog({
      stateId: state.id,
      journeyId: journey.meta.id,
      userKey: user.key,
      kind,
      message,
      data,
      idempotencyKey,
      at: clock.now(),
    });
  const captured = () => ({ userId: store.userIdOf(user.key), journeyId: journey.meta.id, at: clock.now() });

  async function sleepFor(ms: number, label: string) {
    const key = nextKey("sleep");
    const deadline = new Date((await steps.clock()).at.getTime() + ms);
    store.updateState(state, { status: "waiting", waitDeadline: deadline, currentStep: label });
    log("sleep", key, label, { until: deadline.toISOString() });
    await steps.sleepFor(toHatchetDuration(ms));
    store.updateState(state, { status: "active", waitDeadline: null });
  }

  return {
    sleep: (duration) => sleepFor(parseDuration(duration), `sleep:${duration}`),
    sleepUntil: async (at) =>
      sleepFor(
        Math.max(0, at.getTime() - (await steps.clock()).at.getTime()),
        `sleep-until:${at.toISOString()}`,
      ),

    async waitForEvent(options): Promise<WaitResult> {
      const key = nextKey("wait");
      const started = await steps.clock();
      const deadline = started.at.getTime() + parseDuration(options.timeout);
      // Refuses a correlation property Hatchet's CEL filter could not express, as at runtime.
      waitExpression(user.key, options.match);
      const label = `wait:${options.event}`;
      store.updateState(state, { status: "waiting", waitDeadline: new Date(deadline), currentStep: label });
      log("wait", key, label, { timeout: options.timeout, match: options.match ?? null });
      // Only events logged after the wait started count; past one that fails `where`, wait on.
      let afterSeq = started.seq;
      let result: WaitResult = { timedOut: true, properties: {}, occurredAt: null };
      while (true) {
        const remaining = deadline - (await steps.clock()).at.getTime();
        if (remaining <= 0) break;
        const outcome = await steps.waitFor({
          timeout: toHatchetDuration(remaining),
          event: options.event,
          userKey: user.key,
          match: options.match,
          afterSeq,
        });
        if (outcome.kind === "timeout") break;
        if (evaluateConditions(options.where, outcome.event.properties)) {
          result = {
            timedOut: false,
            properties: outcome.event.properties,
            occurredAt: outcome.event.occurredAt,
          };
          break;
        }
        afterSeq = outcome.event.seq;
      }
      store.updateState(state, { status: "active", waitDeadline: null });
      return result;
    },

    async checkpoint(name, data = {}) {
      const key = nextKey("checkpoint");
      store.updateState(state, { currentStep: name });
      if (!log("checkpoint", key, name, data)) return;
      store.captured.checkpoints.push({ ...captured(), name, data });
    },

    async sendEmail(email) {
      const key = nextKey("email");
      const sendId = `send:${key}`;
      // A replay finds the send this position made, as the mailer does by idempotency key.
      const earlier = store.captured.sends.find((s) => s.sendId === sendId);
      if (earlier) return { sendId, status: earlier.status, reason: earlier.reason };
      // Bad props or a category switch to or from transactional throw here and fail the run, as
      // the mailer's AppError does at runtime.
      const { props, subject, category, decision } = await recordSend(world, run, {
        template: email.template,
        props: (email.props ?? {}) as Record<string, unknown>,
        subject: email.subject,
        category: email.category,
      });
      log("email", key, email.template, { sendId, status: decision.status, reason: decision.reason });
      store.captured.sends.push({
        ...captured(),
        sendId,
        template: email.template,
        to: email.to ?? user.email,
        props,
        subject,
        category,
        status: decision.status,
        reason: decision.reason,
      });
      return { sendId, status: decision.status, reason: decision.reason };
    },

    async trigger(event, properties = {}) {
      const key = nextKey("trigger");
      const { duplicate } = ingest(
        world,
        { name: event, userKey: user.key, properties: { ...properties, journeyId: journey.meta.id } },
        { source: `journey:${journey.meta.id}`, idempotencyKey: `journey:${key}` },
      );
      log("trigger", key, event, properties);
      if (!duplicate) store.captured.triggers.push({ ...captured(), event, properties });
    },

    exit(reason) {
      throw new JourneyExit(reason);
    },

    now: async () => (await steps.clock()).at,

    history: {
      hasEvent: async (event, opts) =>
        store.events.some(
          (e) =>
            e.userKey === user.key &&
            e.name === event &&
            (!opts?.since || e.occurredAt.getTime() >= opts.since.getTime()),
        ),
      async journey(journeyId) {
        const found = store.latestState(user.key, journeyId);
        return found
          ? { status: found.status, startedAt: found.startedAt, finishedAt: found.finishedAt }
          : null;
      },
    },

    guard: {
      isSubscribed: async (category = journey.meta.category) =>
        isSubscribed(store.contactByKey(user.key)?.preferences, category),
    },
  };
}
