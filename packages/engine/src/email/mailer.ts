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
import type { HogsendClient } from "../client.js";
import { emitContactEvent } from "../ingest/emit-contact-event.js";
import type { ExitRules } from "../journeys/exit-check.js";
import { composeMessage } from "./compose.js";
import { type RecipientInput, resolveRecipient } from "./recipient.js";
import { sendBlockedReason } from "./send-policy.js";

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
  /** Validates, resolves the recipient, applies preferences and caps, records the send once. */
  enqueue(input: SendEmailInput): Promise<EnqueueResult>;
  /** Renders and hands one recorded send to the provider, at most once per claim. */
  dispatch(sendId: string): Promise<DispatchOutcome>;
  /** enqueue, then dispatch a newly queued send: what a caller that can wait uses. */
  send(input: SendEmailInput): Promise<EnqueueResult & { dispatch?: DispatchOutcome }>;
  readonly templates: TemplateRegistry;
}

export interface MailerOptions {
  templates: TemplateRegistry;
  /** exitOn rules, so an `email.*` event Hogsend emits can end enrollments. */
  exitRules?: ExitRules | undefined;
  /** In-call retries of one dispatch (429, 5xx, timeouts); further attempts are the caller's. */
  retry?: Partial<RetryPolicy> | undefined;
  /** A `sending` claim older than this belongs to a dead process and may be taken over. */
  staleClaimMs?: number | undefined;
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

  async function enqueue(input: SendEmailInput): Promise<EnqueueResult> {
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

    let blocked: string | null = null;
    if (input.journey) {
      const state = await journeyStateById(db, input.journey.stateId);
      // An exited or cancelled enrollment whose run has not stopped yet must not keep mailing.
      if (!state || (state.status !== "active" && state.status !== "waiting"))
        blocked = `journey enrollment is ${state?.status ?? "gone"}`;
    }
    blocked ??= await sendBlockedReason(db, {
      contactId: contact.id,
      category,
      frequencyCapPerDay: env.EMAIL_FREQUENCY_CAP_PER_DAY,
      journey: input.journey,
    });
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
      status: blocked ? "suppressed" : "queued",
      reason: blocked,
    });
    if (result.created && blocked) {
      logger.info(`email ${input.template} to contact ${contact.id} suppressed: ${blocked}`);
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
      const blocked = await sendBlockedReason(db, { contactId: send.contactId, category: send.category });
      if (blocked) {
        await markEmailSuppressed(db, send.id, blocked);
        return { outcome: "suppressed", reason: blocked };
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
    await emitContactEvent(
      client,
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
      { source: "email", idempotencyKey: `email.sent:${send.id}`, exitRules: options.exitRules },
    ).catch((err: Error) => logger.warn(`email ${send.id}: email.sent not recorded: ${err.message}`));
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
    enqueue,
    dispatch,
    async send(input) {
      const result = await enqueue(input);
      if (!result.created || result.send.status !== "queued") return result;
      return { ...result, dispatch: await dispatch(result.send.id) };
    },
  };
}

/** A template's category may be narrowed by the caller, but transactional is the template's call. */
function categoryOf(templateCategory: string, requested: string | undefined): string {
  if (requested === undefined || requested === templateCategory) return templateCategory;
  if (templateCategory === "transactional" || requested === "transactional") {
    throw new AppError(
      "VALIDATION_FAILED",
      "category: whether an email is transactional is fixed by its template",
      {
        details: {
          fields: [
            {
              field: "category",
              message: `Template category is ${templateCategory}; it cannot change to or from transactional`,
            },
          ],
        },
      },
    );
  }
  return requested;
}
