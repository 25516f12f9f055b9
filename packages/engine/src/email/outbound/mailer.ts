import { randomUUID } from "node:crypto";
import { AppError, type ProviderError, type RetryPolicy, retryProviderCall } from "@hogsend/core";
import {
  claimEmailSend,
  type EmailSend,
  emailSendById,
  emailSendByIdempotencyKey,
  insertEmailEventOnce,
  insertEmailSendOnce,
  journeyStateById,
  markEmailFailed,
  markEmailSent,
  markEmailSuppressed,
  releaseEmailSend,
  upsertEmailLinks,
} from "@hogsend/db";
import { getTemplate, parseTemplateProps, type TemplateRegistry } from "@hogsend/email";
import type { ContactEvents } from "../../ingest/ingest-service.js";
import type { HogsendClient } from "../../platform/client.js";
import { composeMessage } from "./compose.js";
import { type RecipientInput, resolveRecipient } from "./recipient.js";
import { categoryOf, decideSend, gatherSendFacts } from "./send-policy.js";

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
  /** A retryable provider failure: the send is queued again; retry after `retryAfterMs` if given. */
  | { outcome: "retry"; reason: string; retryAfterMs?: number | undefined }
  /** Not claimable: already sent, failed or suppressed, or in flight elsewhere. */
  | { outcome: "skipped"; status: EmailSend["status"] };

export interface Mailer {
  /**
   * Records the send once (validated, recipient resolved, preferences and caps applied) and
   * hands a queued send to delivery. How it is delivered is the mailer's business: callers
   * enqueue and return. A repeat of an idempotency key returns the first send.
   */
  enqueue(input: SendEmailInput): Promise<EnqueueResult>;
  /** Renders and hands one recorded send to the provider, at most once per claim. */
  dispatch(sendId: string): Promise<DispatchOutcome>;
  /** Records, then delivers in this call: for callers that must wait for the outcome (tests, benches). */
  send(input: SendEmailInput): Promise<EnqueueResult & { dispatch?: DispatchOutcome }>;
  readonly templates: TemplateRegistry;
}

/**
 * Where `enqueue` hands a queued send. `hatchet`: a `send-email` task run, retried by Hatchet with
 * backoff (the worker run mode, which registers the task). `in-process`: dispatched in the
 * background of this process (the api run mode). Either way a send nobody finished is picked up
 * by the email redrive. `none`: left queued for the email redrive alone (what a process that died
 * right after recording leaves; tests use it).
 */
export type DispatchVia = "hatchet" | "in-process" | "none";

export interface MailerOptions {
  templates: TemplateRegistry;
  /** Where `email.sent` is recorded for the contact (the runtime's ingest). */
  events: ContactEvents;
  /** How `enqueue` delivers; default `in-process`. */
  dispatchVia?: DispatchVia | undefined;
  /** In-call retries of one dispatch (429, 5xx, timeouts); further attempts are the caller's. */
  retry?: Partial<RetryPolicy> | undefined;
  /** A `sending` claim older than this belongs to a dead process and may be taken over. */
  staleClaimMs?: number | undefined;
}

/** The Hatchet task that delivers one recorded send (registered by the worker). */
export const SEND_EMAIL_TASK = "send-email";

export interface SendEmailTaskInput {
  sendId: string;
  [key: string]: string;
}

/** Where a dev deploy without EMAIL_FROM sends from (production requires EMAIL_FROM). */
const DEV_FROM = "Hogsend (dev) <dev@hogsend.localhost>";
export const STALE_CLAIM_MS = 5 * 60_000;

/**
 * The one way email leaves Hogsend. A send is recorded before any provider call, keyed by its
 * idempotency key (unique in the database), then claimed for exactly one call; a process that
 * dies between recording and calling leaves a `queued` or stale `sending` row the redrive
 * finishes, and the provider's own idempotency key (the send id) covers a crash after the call.
 */
export function createMailer(client: HogsendClient, options: MailerOptions): Mailer {
  const { db } = client.db;
  const { env, logger } = client;
  const staleClaimMs = options.staleClaimMs ?? STALE_CLAIM_MS;
  const provider = client.email;
  const dispatchVia = options.dispatchVia ?? "in-process";

  async function record(input: SendEmailInput): Promise<EnqueueResult> {
    // A repeat returns the first send as it is now, whatever this call carries: the key, not
    // the payload, names the send (so a replay after a template change cannot fail).
    if (input.idempotencyKey) {
      const existing = await emailSendByIdempotencyKey(db, input.idempotencyKey);
      if (existing) return { send: existing, created: false };
    }
    // Bad input is refused before anything is written.
    const template = getTemplate(options.templates, input.template);
    const props = (await parseTemplateProps(template, input.template, input.props ?? {})) as Record<
      string,
      unknown
    >;
    const category = categoryOf(template.category, input.category);
    const subject =
      input.subject ?? (typeof template.subject === "function" ? template.subject(props) : template.subject);
    const { contact, address } = await resolveRecipient(db, input);
    const idempotencyKey = input.idempotencyKey ?? `auto:${randomUUID()}`;

    const state = input.journey ? await journeyStateById(db, input.journey.stateId) : undefined;
    const decision = decideSend(
      await gatherSendFacts(db, {
        contactId: contact.id,
        category,
        frequencyCapPerDay: env.EMAIL_FREQUENCY_CAP_PER_DAY,
        journey: input.journey,
        ...(input.journey ? { enrollment: state?.status ?? "gone" } : {}),
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

  async function dispatch(sendId: string): Promise<DispatchOutcome> {
    const send = await claimEmailSend(db, sendId, staleClaimMs);
    if (!send) {
      const current = await emailSendById(db, sendId);
      if (!current) throw new AppError("NOT_FOUND", `No email send with id ${sendId}`);
      return { outcome: "skipped", status: current.status };
    }
    // Preferences may have changed since the send was queued (an unsubscribe minutes ago).
    if (send.contactId) {
      const { reason } = decideSend(
        await gatherSendFacts(db, { contactId: send.contactId, category: send.category }),
      );
      if (reason) {
        await markEmailSuppressed(db, send.id, reason);
        return { outcome: "suppressed", reason };
      }
    }
    let message: Awaited<ReturnType<typeof composeMessage>>;
    try {
      message = await composeMessage(db, options.templates, send, {
        publicUrl: client.publicUrl,
        tokenSecret: env.BETTER_AUTH_SECRET,
        from: env.EMAIL_FROM ?? DEV_FROM,
        replyTo: env.EMAIL_REPLY_TO,
        trackOpens: env.EMAIL_TRACK_OPENS,
        trackClicks: env.EMAIL_TRACK_CLICKS,
        saveLinks: upsertEmailLinks,
      });
    } catch (err) {
      // A template that no longer renders (removed, props changed) will not render on retry either.
      const reason = `render failed: ${(err as Error).message}`;
      await markEmailFailed(db, send.id, provider.id, reason);
      logger.error(`email ${send.id} (${send.template}) ${reason}`);
      return { outcome: "failed", reason };
    }
    const outcome = await retryProviderCall(() => provider.send(message), {
      ...(options.retry ? { policy: options.retry } : {}),
      onRetry: ({ attempt, delayMs, error }) =>
        logger.warn(
          `email ${send.id}: ${provider.id} ${error.kind} (attempt ${attempt}), retrying in ${delayMs} ms`,
        ),
    });
    if (outcome.ok) {
      await markEmailSent(db, send.id, {
        provider: provider.id,
        providerMessageId: outcome.providerMessageId,
      });
      await afterSent(send, outcome.providerMessageId);
      return { outcome: "sent", providerMessageId: outcome.providerMessageId };
    }
    return afterFailure(send, outcome.error);
  }

  async function afterSent(send: EmailSend, providerMessageId: string) {
    await insertEmailEventOnce(db, {
      sendId: send.id,
      type: "sent",
      dedupeKey: `sent:${send.id}`,
      data: { provider: provider.id, providerMessageId },
    });
    if (!send.contactId) return;
    await options.events
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

  /** Hands a queued send to delivery; a failure here leaves it queued for the email redrive. */
  async function deliverLater(sendId: string): Promise<void> {
    if (dispatchVia === "none") return;
    if (dispatchVia === "in-process") {
      void dispatch(sendId).catch((err: Error) =>
        logger.warn(`email ${sendId} dispatch failed: ${err.message}`),
      );
      return;
    }
    try {
      await client.hatchet.runNoWait(SEND_EMAIL_TASK, { sendId } satisfies SendEmailTaskInput, {
        additionalMetadata: { sendId },
      });
    } catch (err) {
      logger.warn(`email ${sendId}: could not start ${SEND_EMAIL_TASK}, the email redrive will send it`, {
        error: (err as Error).message,
      });
    }
  }

  async function afterFailure(send: EmailSend, error: ProviderError): Promise<DispatchOutcome> {
    const reason = error.providerStatus ? `${error.message} (HTTP ${error.providerStatus})` : error.message;
    if (error.retryable) {
      await releaseEmailSend(db, send.id, reason);
      logger.warn(`email ${send.id} will be retried: ${reason}`);
      return { outcome: "retry", reason, retryAfterMs: error.retryAfterMs };
    }
    await markEmailFailed(db, send.id, provider.id, reason);
    logger.error(`email ${send.id} (${send.template}) failed: ${reason}`);
    return { outcome: "failed", reason };
  }

  return {
    templates: options.templates,
    async enqueue(input) {
      const result = await record(input);
      // Also on a repeat: a journey replayed after a crash re-kicks a send still queued (the
      // claim makes a second dispatch harmless).
      if (result.send.status === "queued") await deliverLater(result.send.id);
      return result;
    },
    dispatch,
    async send(input) {
      const result = await record(input);
      if (!result.created || result.send.status !== "queued") return result;
      return { ...result, dispatch: await dispatch(result.send.id) };
    },
  };
}
