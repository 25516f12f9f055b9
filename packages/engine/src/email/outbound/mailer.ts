import { randomUUID } from "node:crypto";
import {
  AppError,
  createRateScheduler,
  type EmailMessage,
  type ProviderError,
  type RateSchedulerOptions,
  type SendOutcome,
  withRateLimit,
} from "@hogsend/core";
import {
  type ClaimedSend,
  claimSends,
  claimStaleBatch,
  createClaimOwner,
  EMAIL_SENDS_CHANNEL,
  type EmailSend,
  emailSendById,
  insertEmailSendOnce,
  readEnqueueFacts,
  recordSendOutcomes,
  type SendOutcomeRecord,
} from "@hogsend/db";
import { getTemplate, parseTemplateProps, type TemplateRegistry } from "@hogsend/email";
import type { ContactEvents } from "../../ingest/ingest-service.js";
import type { HogsendClient } from "../../platform/client.js";
import { resolveEmailRateLimit } from "../../platform/email-providers/email-providers.js";
import { createComposer } from "./compose.js";
import { noAddress, type RecipientInput, resolveRecipient } from "./recipient.js";
import { capWindowStart, categoryOf, decideSend, enqueueSendFacts } from "./send-policy.js";

export interface SendEmailInput extends RecipientInput {
  template: string;
  props?: Record<string, unknown> | undefined;
  /** Overrides the template's subject. */
  subject?: string | undefined;
  /** Overrides the template's preference category (never to or from `transactional`). */
  category?: string | undefined;
  /** The same key is the same send: a retry returns the first send and calls no provider. */
  idempotencyKey?: string | undefined;
  /** Set for sends a journey makes: attribution, the journey's minimum gap, the live-state check. */
  journey?: { id: string; stateId: string; minGapMs?: number | undefined } | undefined;
}

export interface EnqueueResult {
  send: EmailSend;
  /** False when the idempotency key named an earlier send, which is returned unchanged. */
  created: boolean;
}

export type DispatchOutcome =
  | { outcome: "sent"; providerMessageId: string }
  | { outcome: "suppressed"; reason: string }
  | { outcome: "failed"; reason: string }
  /** A retryable provider failure: the send is queued again, due after `retryAfterMs`. */
  | { outcome: "retry"; reason: string; retryAfterMs: number }
  /** Not claimable: already sent, failed or suppressed, or in flight elsewhere. */
  | { outcome: "skipped"; status: EmailSend["status"] };

/** What one dispatch batch did. */
export interface BatchResult {
  /** Sends claimed (0: nothing was due). */
  claimed: number;
  /** Outcome by send id. */
  outcomes: Map<string, Exclude<DispatchOutcome, { outcome: "skipped" }>>;
}

export interface Mailer {
  /**
   * Records the send once (validated, recipient resolved, preferences and caps applied) and, when
   * it is queued, wakes the dispatchers. Callers enqueue and return; the worker's dispatcher sends.
   * A repeat of an idempotency key returns the first send.
   */
  enqueue(input: SendEmailInput): Promise<EnqueueResult>;
  /**
   * Claims due sends (or exactly `ids`) and dispatches them as one batch: preferences, suppression
   * and the frequency cap re-checked in the claim, one render per template and props, one provider
   * batch call, the outcomes recorded in one statement.
   */
  dispatchBatch(options?: { ids?: readonly string[]; limit?: number }): Promise<BatchResult>;
  /** Dispatches one recorded send now (a batch of one); `skipped` when it is not claimable. */
  dispatch(sendId: string): Promise<DispatchOutcome>;
  /** Records, then dispatches in this call: for callers that must wait for the outcome (tests). */
  send(input: SendEmailInput): Promise<EnqueueResult & { dispatch?: DispatchOutcome }>;
  /** Called with every send `enqueue` queued (the runtime wakes this process's dispatcher). */
  onQueued(listener: () => void): void;
  /** Gives up this process's claim owner lease (after its dispatcher stopped). */
  close(): Promise<void>;
  readonly templates: TemplateRegistry;
}

export interface MailerOptions {
  templates: TemplateRegistry;
  /** Where `email.sent` is recorded for the contact (the runtime's ingest). */
  events: ContactEvents;
  /** A `sending` claim older than this belongs to a dead worker and may be taken over. */
  staleClaimMs?: number | undefined;
  /** Tries per send before it is `failed`. */
  maxAttempts?: number | undefined;
  /** Backoff after a retryable failure without `Retry-After`: base × 2^(attempt-1), capped. */
  retryBaseMs?: number | undefined;
  retryMaxMs?: number | undefined;
  /** In-call retries of one provider request (5xx, timeouts, 429 up to `maxDelayMs`). */
  providerRetry?: Pick<RateSchedulerOptions, "maxAttempts" | "baseDelayMs" | "maxDelayMs"> | undefined;
}

/** Where a dev deploy without EMAIL_FROM sends from (production requires EMAIL_FROM). */
const DEV_FROM = "Hogsend (dev) <dev@hogsend.localhost>";
export const STALE_CLAIM_MS = 5 * 60_000;
const DEFAULT_BATCH = 100;

/**
 * The one way email leaves Hogsend. A send is recorded before any provider call, keyed by its
 * idempotency key (unique in the database); `email_sends` is the queue. A dispatch claims a batch
 * of due sends with `FOR UPDATE SKIP LOCKED`, so dispatchers on several workers never claim one
 * send twice, and the provider's own idempotency key (`hogsend-send-<id>`) covers a crash after
 * the call: a claim whose process died (or that went stale) is taken over and re-sent only where
 * the provider deduplicates.
 */
export function createMailer(client: HogsendClient, options: MailerOptions): Mailer {
  const { db, sql } = client.db;
  const { env, logger } = client;
  const staleClaimMs = options.staleClaimMs ?? STALE_CLAIM_MS;
  const maxAttempts = options.maxAttempts ?? 8;
  const retryBaseMs = options.retryBaseMs ?? 1_000;
  const retryMaxMs = options.retryMaxMs ?? 10 * 60_000;
  // Every provider request of this process takes a token: EMAIL_RATE_PER_SECOND / _BURST, by
  // default the provider's published limit. A 429 pauses every caller until its Retry-After.
  const limit = resolveEmailRateLimit(env);
  const provider = limit
    ? withRateLimit(
        client.email,
        createRateScheduler({
          ...limit,
          ...options.providerRetry,
          onRetry: ({ attempt, delayMs, error, pausedAll }) =>
            logger.warn(
              `${client.email.id} ${error.kind} (attempt ${attempt}): ${pausedAll ? "all sends pause" : "retrying"} for ${delayMs} ms`,
            ),
        }),
      )
    : client.email;
  const listeners: (() => void)[] = [];
  const countSentToday = env.EMAIL_FREQUENCY_CAP_PER_DAY !== undefined;
  const composer = createComposer(sql, options.templates, {
    publicUrl: client.publicUrl,
    tokenSecret: env.BETTER_AUTH_SECRET,
    from: env.EMAIL_FROM ?? DEV_FROM,
    replyTo: env.EMAIL_REPLY_TO,
    trackOpens: env.EMAIL_TRACK_OPENS,
    trackClicks: env.EMAIL_TRACK_CLICKS,
  });

  /**
   * One read (the key, the contact, preferences, enrollment, cap counts) and one insert: the
   * whole enqueue is two round trips and one commit. Only a first send to an unknown address
   * takes the slow path, which creates the contact.
   */
  async function record(input: SendEmailInput): Promise<EnqueueResult> {
    const idempotencyKey = input.idempotencyKey ?? `auto:${randomUUID()}`;
    const now = new Date();
    // The counts are read whatever the category (it is known only once the template is checked,
    // after the key); the decision ignores them for transactional mail.
    const read = (recipient: RecipientInput) =>
      readEnqueueFacts(sql, {
        idempotencyKey,
        contactId: recipient.contactId,
        userId: recipient.userId,
        email: recipient.to,
        journeyStateId: input.journey?.stateId,
        journeyId: input.journey?.id,
        capSince: env.EMAIL_FREQUENCY_CAP_PER_DAY !== undefined ? capWindowStart(now) : undefined,
        journeyGap: !!input.journey?.minGapMs,
      });

    let facts = await read(input);
    // A repeat returns the first send as it is now, whatever this call carries: the key, not
    // the payload, names the send (so a replay after a template change cannot fail).
    const repeat = facts.existingSendId ? await emailSendById(db, facts.existingSendId) : undefined;
    if (repeat) return { send: repeat, created: false };

    // Bad input is refused before anything is written.
    const template = getTemplate(options.templates, input.template);
    const props = (await parseTemplateProps(template, input.template, input.props ?? {})) as Record<
      string,
      unknown
    >;
    const category = categoryOf(template.category, input.category);
    if (input.subject !== undefined && template.category === "transactional")
      // A password reset or a receipt reads as the product wrote it: a caller with a key must not
      // put its own words in front of it.
      throw new AppError("VALIDATION_FAILED", "subject: a transactional template's subject is fixed", {
        details: {
          fields: [
            {
              field: "subject",
              message: `Template ${input.template} is transactional: its subject is its own`,
            },
          ],
        },
      });
    const subject =
      input.subject ?? (typeof template.subject === "function" ? template.subject(props) : template.subject);
    if (!facts.contact || facts.contact.deleted) {
      // Unknown: resolveRecipient creates the contact, or says why it cannot (unknown user id…).
      const { contact } = await resolveRecipient(db, input);
      facts = await read({ contactId: contact.id });
    }
    const contact = facts.contact;
    if (!contact) throw new Error(`email ${idempotencyKey}: its contact vanished while it was enqueued`);
    const address = input.to ?? contact.email;
    if (!address) throw noAddress(contact.id);

    const decision = decideSend(
      enqueueSendFacts(facts, {
        category,
        frequencyCapPerDay: env.EMAIL_FREQUENCY_CAP_PER_DAY,
        journey: input.journey,
        now,
      }),
    );
    const result = await insertEmailSendOnce(db, {
      idempotencyKey,
      contactId: contact.id,
      toEmail: address,
      template: input.template,
      category,
      subject,
      props,
      journeyId: input.journey?.id ?? null,
      journeyStateId: input.journey?.stateId ?? null,
      status: decision.status,
      reason: decision.reason,
    });
    if (result.created && decision.reason) {
      logger.info(`email ${input.template} to contact ${contact.id} suppressed: ${decision.reason}`);
    }
    return result;
  }

  /** Preferences, suppression and the frequency cap as they stand at dispatch (an unsubscribe minutes ago). */
  function blockedNow(send: ClaimedSend): string | null {
    if (!send.contactId) return null;
    const marketing = send.category !== "transactional";
    return decideSend({
      category: send.category,
      preferences: send.preferences,
      ...(marketing && env.EMAIL_FREQUENCY_CAP_PER_DAY !== undefined
        ? { frequencyCap: { perDay: env.EMAIL_FREQUENCY_CAP_PER_DAY, sentInLastDay: send.sentInLastDay } }
        : {}),
      now: new Date(),
    }).reason;
  }

  const reasonOf = (error: ProviderError) =>
    error.providerStatus ? `${error.message} (HTTP ${error.providerStatus})` : error.message;

  /** A retryable failure: back to the queue with backoff, or `failed` once the attempts are spent. */
  function retryOrFail(send: ClaimedSend, reason: string, retryAfterMs?: number): SendOutcomeRecord {
    if (send.attempts >= maxAttempts)
      return {
        id: send.id,
        status: "failed",
        provider: provider.id,
        reason: `gave up after ${send.attempts} attempts: ${reason}`,
      };
    const backoff = Math.min(retryMaxMs, retryBaseMs * 2 ** (send.attempts - 1));
    return { id: send.id, status: "queued", reason, retryInMs: Math.max(retryAfterMs ?? 0, backoff) };
  }

  // Dispatchers in other processes (the worker, when the api enqueued): one NOTIFY per 10 ms at
  // most, since a woken dispatcher claims everything due and NOTIFY serialises commits on a lock.
  let notifyScheduled = false;
  function notifyDispatchers() {
    if (notifyScheduled) return;
    notifyScheduled = true;
    setTimeout(() => {
      notifyScheduled = false;
      sql`select pg_notify(${EMAIL_SENDS_CHANNEL}, '')`.catch((err: Error) =>
        logger.warn(`could not notify the email dispatchers; their sweep will find the send: ${err.message}`),
      );
    }, 10).unref();
  }

  // Claims name this process, and Postgres knows while it lives: a dead worker's batch is taken
  // over as soon as its session ends, not STALE_CLAIM_MS later.
  const owner = createClaimOwner(sql, { onLost: (reason) => logger.warn(reason) });

  async function dispatchBatch(
    batch: { ids?: readonly string[]; limit?: number } = {},
  ): Promise<BatchResult> {
    const ownerId = await owner.id();
    // A batch a dead worker left mid-call goes first, whole and as it was.
    if (!batch.ids) {
      const stale = await claimStaleBatch(sql, { staleClaimMs, countSentToday, owner: ownerId });
      if (stale.length > 0) return sendBatchOf(stale, { replay: true });
    }
    const claimed = await claimSends(sql, {
      countSentToday,
      owner: ownerId,
      limit: batch.limit ?? batch.ids?.length ?? DEFAULT_BATCH,
      batchId: randomUUID(),
      ids: batch.ids,
    });
    return sendBatchOf(claimed, { replay: false });
  }

  /**
   * One batch: re-check, render, one provider batch call, one record. What is settled before the
   * call (suppressed now, unrenderable) is recorded before it, so the sends still claimed when a
   * worker dies are exactly the ones the provider may have, and a replay sends exactly those again.
   */
  async function sendBatchOf(claimed: ClaimedSend[], mode: { replay: boolean }): Promise<BatchResult> {
    const early: SendOutcomeRecord[] = [];
    const toSend: ClaimedSend[] = [];
    for (const send of claimed) {
      // A batch that keeps taking its worker down is not replayed for ever.
      if (mode.replay && send.attempts > maxAttempts) {
        const reason = `gave up after ${send.attempts - 1} attempts: its worker stopped mid-batch each time`;
        early.push({ id: send.id, status: "failed", provider: provider.id, reason });
        continue;
      }
      // A replay sends what the first attempt sent: no second opinion on who gets it.
      const blocked = mode.replay ? null : blockedNow(send);
      if (blocked) early.push({ id: send.id, status: "suppressed", reason: blocked });
      else toSend.push(send);
    }
    const composed = await composer.composeBatch(toSend);
    const messages: { send: ClaimedSend; message: EmailMessage }[] = [];
    toSend.forEach((send, i) => {
      const message = composed[i];
      // A template that no longer renders (removed, props changed) will not render on retry either.
      if (!message || message instanceof Error) {
        const reason = `render failed: ${message instanceof Error ? message.message : "no message"}`;
        early.push({ id: send.id, status: "failed", provider: provider.id, reason });
        logger.error(`email ${send.id} (${send.template}) ${reason}`);
      } else messages.push({ send, message });
    });
    const changed = new Set(early.length > 0 ? await recordSendOutcomes(sql, early) : []);

    const records: SendOutcomeRecord[] = [];
    if (mode.replay && !provider.deduplicates) {
      for (const { send } of messages)
        records.push({
          id: send.id,
          status: "failed",
          provider: provider.id,
          reason: `outcome unknown: a worker stopped mid-send and ${provider.id} cannot deduplicate a resend; check its activity log before sending again`,
        });
    } else if (messages.length > 0) {
      const outcomes = await provider.sendBatch(messages.map((m) => m.message));
      messages.forEach(({ send }, i) => {
        const outcome = outcomes[i];
        if (outcome) records.push(recordOf(send, outcome));
      });
    }
    for (const id of await recordSendOutcomes(sql, records)) changed.add(id);

    const byId = new Map(claimed.map((c) => [c.id, c]));
    const result: BatchResult = { claimed: claimed.length, outcomes: new Map() };
    const sentEvents: Promise<unknown>[] = [];
    for (const r of [...early, ...records]) {
      if (!changed.has(r.id)) continue;
      result.outcomes.set(r.id, outcomeOf(r));
      const send = byId.get(r.id);
      if (r.status === "sent" && send) sentEvents.push(recordSent(send));
    }
    await Promise.all(sentEvents);
    return result;
  }

  function recordOf(send: ClaimedSend, outcome: SendOutcome): SendOutcomeRecord {
    if (outcome.ok)
      return {
        id: send.id,
        status: "sent",
        provider: provider.id,
        providerMessageId: outcome.providerMessageId,
      };
    if (outcome.error.retryable)
      return retryOrFail(send, reasonOf(outcome.error), outcome.error.retryAfterMs);
    logger.error(`email ${send.id} (${send.template}) failed: ${reasonOf(outcome.error)}`);
    return { id: send.id, status: "failed", provider: provider.id, reason: reasonOf(outcome.error) };
  }

  /** `email.sent` under the contact: group-committed with the batch's other events by ingest. */
  function recordSent(send: ClaimedSend) {
    if (!send.contactId) return Promise.resolve();
    return options.events
      .recordContactEvent(
        send.contactId,
        {
          name: "email.sent",
          properties: {
            sendId: send.id,
            template: send.template,
            category: send.category,
            ...(send.journeyId ? { journeyId: send.journeyId } : {}),
          },
        },
        { source: "email", idempotencyKey: `email.sent:${send.id}` },
      )
      .catch((err: Error) => logger.warn(`email ${send.id}: email.sent not recorded: ${err.message}`));
  }

  async function dispatch(sendId: string): Promise<DispatchOutcome> {
    const { outcomes } = await dispatchBatch({ ids: [sendId] });
    const outcome = outcomes.get(sendId);
    if (outcome) return outcome;
    const current = await emailSendById(db, sendId);
    if (!current) throw new AppError("NOT_FOUND", `No email send with id ${sendId}`);
    return { outcome: "skipped", status: current.status };
  }

  return {
    templates: options.templates,
    onQueued: (listener) => void listeners.push(listener),
    async enqueue(input) {
      const result = await record(input);
      // Also on a repeat: a journey replayed after a crash re-wakes a send still queued.
      if (result.send.status === "queued") {
        for (const listener of listeners) listener();
        notifyDispatchers();
      }
      return result;
    },
    dispatchBatch,
    dispatch,
    close: () => owner.close(),
    async send(input) {
      const result = await record(input);
      if (!result.created || result.send.status !== "queued") return result;
      return { ...result, dispatch: await dispatch(result.send.id) };
    },
  };
}

function outcomeOf(r: SendOutcomeRecord): Exclude<DispatchOutcome, { outcome: "skipped" }> {
  if (r.status === "sent") return { outcome: "sent", providerMessageId: r.providerMessageId };
  if (r.status === "suppressed") return { outcome: "suppressed", reason: r.reason };
  if (r.status === "failed") return { outcome: "failed", reason: r.reason };
  return { outcome: "retry", reason: r.reason, retryAfterMs: r.retryInMs };
}
