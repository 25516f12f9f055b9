import {
  type EmailMessage,
  type EmailProvider,
  failAll,
  type MessageLimits,
  ProviderError,
  type RateLimit,
  type SendOutcome,
  sendInBatches,
  validateMessage,
} from "@hogsend/core";
import { Resend } from "resend";
import { classifyResendError } from "./classify-error.js";
import { batchIdempotencyKey, resendIdempotencyKey } from "./idempotency.js";
import { parseResendWebhook } from "./parse-webhook.js";
import { toResendEmail } from "./to-resend-email.js";
import { assertWebhookSecret, verifyResendWebhook } from "./verify-webhook.js";

export interface ResendProviderOptions {
  apiKey: string;
  /** Svix signing secret of the webhook (`whsec_…`); webhooks are refused while it is unset. */
  webhookSecret?: string;
  /** API base URL (default `https://api.resend.com`); tests point it at a local fake. */
  baseUrl?: string;
  /** A request without an answer after this long counts as a timeout (default 15 s). */
  timeoutMs?: number;
}

export const RESEND_DEFAULT_BASE_URL = "https://api.resend.com";

/** Resend accepts at most 100 emails per batch request. */
export const RESEND_MAX_BATCH_SIZE = 100;

/** Resend's cap on one email, attachments included (we send none): 40 MB. */
const RESEND_MESSAGE_LIMITS: MessageLimits = { provider: "resend", maxMessageBytes: 40 * 1024 * 1024 };

/**
 * Resend's published default: 5 requests per second per team, a batch request counting as one.
 * A burst of 1 spaces calls evenly (200 ms), so no second ever holds more than 5 even where the
 * provider counts in fixed windows; raise it with EMAIL_RATE_BURST if your plan allows.
 */
export const RESEND_RATE_LIMIT: RateLimit = { requestsPerSecond: 5, burst: 1 };

/** The Resend adapter of the EmailProvider port, built on the official `resend` SDK. */
export function createResendProvider(options: ResendProviderOptions): EmailProvider {
  // An empty key would make the SDK fall back to process.env.RESEND_API_KEY: refuse it here.
  if (!options.apiKey) throw new Error("createResendProvider: apiKey is required (RESEND_API_KEY)");
  if (options.webhookSecret) assertWebhookSecret(options.webhookSecret);
  const timeoutMs = options.timeoutMs ?? 15_000;
  // Passing baseUrl always keeps the SDK from reading RESEND_BASE_URL from the environment.
  const resend = new Resend(options.apiKey, { baseUrl: options.baseUrl ?? RESEND_DEFAULT_BASE_URL });

  const validate = (message: EmailMessage) => validateMessage(message, RESEND_MESSAGE_LIMITS);

  /** One `POST /emails/batch` (strict validation) with one key derived from the emails' keys. */
  const sendChunk = async (chunk: EmailMessage[]): Promise<SendOutcome[]> => {
    const signal = AbortSignal.timeout(timeoutMs);
    const idempotencyKey = batchIdempotencyKey(chunk.map((m) => resendIdempotencyKey(m.idempotencyKey)));
    const response = await resend.batch.send(chunk.map(toResendEmail), {
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      signal,
    });
    if (response.error) {
      return failAll(
        chunk.length,
        classifyResendError(response.error, response.headers, {
          aborted: signal.aborted,
          timeoutMs,
          idempotent: idempotencyKey !== undefined,
        }),
      );
    }
    const ids = response.data.data;
    return chunk.map((_, index): SendOutcome => {
      const id = ids[index]?.id;
      if (id) return { ok: true, providerMessageId: id };
      // Resend answered 200 for the batch: this email may well have gone out.
      const reason = "the batch answer carried no id for this email";
      return { ok: false, error: new ProviderError({ provider: "resend", kind: "outcome_unknown", reason }) };
    });
  };

  return {
    id: "resend",
    maxBatchSize: RESEND_MAX_BATCH_SIZE,
    deduplicates: true,
    validate,

    async send(message) {
      const invalid = validate(message);
      if (invalid) return { ok: false, error: invalid };
      const signal = AbortSignal.timeout(timeoutMs);
      const idempotencyKey = resendIdempotencyKey(message.idempotencyKey);
      const response = await resend.emails.send(toResendEmail(message), {
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
        signal,
      });
      if (response.error) {
        return {
          ok: false,
          error: classifyResendError(response.error, response.headers, {
            aborted: signal.aborted,
            timeoutMs,
            idempotent: idempotencyKey !== undefined,
          }),
        };
      }
      return { ok: true, providerMessageId: response.data.id };
    },

    sendBatch: (messages) =>
      sendInBatches(messages, { maxBatchSize: RESEND_MAX_BATCH_SIZE, validate }, sendChunk),

    verifyWebhook: (request) => verifyResendWebhook(resend, options.webhookSecret, request),
    parseWebhook: parseResendWebhook,
  };
}
