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
import { ServerClient } from "postmark";
import { createCapturingFetch } from "./capture-response.js";
import { classifyPostmarkError } from "./classify-error.js";
import { parsePostmarkWebhook } from "./parse-webhook.js";
import { toPostmarkMessage } from "./to-postmark-message.js";
import { type BasicCredentials, verifyPostmarkWebhook } from "./verify-webhook.js";

export interface PostmarkProviderOptions {
  serverToken: string;
  /** Message stream for sends without their own (default `outbound`, Postmark's transactional stream). */
  messageStream?: string;
  /** Credentials embedded in the webhook URL; webhooks are refused while unset. */
  webhookBasicAuth?: BasicCredentials;
  /** API base URL (default `https://api.postmarkapp.com`); tests point it at a local fake. */
  baseUrl?: string;
  /** A request without an answer after this long counts as a timeout (default 15 s). */
  timeoutMs?: number;
}

export const POSTMARK_DEFAULT_BASE_URL = "https://api.postmarkapp.com";

/** Postmark accepts at most 500 messages per batch request. */
export const POSTMARK_MAX_BATCH_SIZE = 500;

const MB = 1024 * 1024;

/** A batch request carries at most 50 MB. */
const POSTMARK_MAX_BATCH_BYTES = 50 * MB;

/** Postmark's caps: 10 MB per message, 5 MB for each of the HTML and text bodies. */
const POSTMARK_MESSAGE_LIMITS: MessageLimits = {
  provider: "postmark",
  maxMessageBytes: 10 * MB,
  maxBodyBytes: 5 * MB,
};

/**
 * Postmark publishes no numeric API rate limit, only that it answers 429 when pushed too hard.
 * 10 requests per second (burst 10) is a conservative ceiling that still allows 5,000 emails/s
 * through 500-message batches, far above what one worker renders; 429s pause the bucket anyway.
 */
export const POSTMARK_RATE_LIMIT: RateLimit = { requestsPerSecond: 10, burst: 10 };

/** The SDK takes a scheme flag and a host (optionally with a path prefix) instead of a URL. */
function sdkHost(baseUrl: string): { useHttps: boolean; requestHost: string } {
  const url = new URL(baseUrl);
  return {
    useHttps: url.protocol === "https:",
    requestHost: `${url.host}${url.pathname.replace(/\/$/, "")}`,
  };
}

/** The Postmark adapter of the EmailProvider port, built on the official `postmark` SDK. */
export function createPostmarkProvider(options: PostmarkProviderOptions): EmailProvider {
  if (!options.serverToken) {
    throw new Error("createPostmarkProvider: serverToken is required (POSTMARK_SERVER_TOKEN)");
  }
  const timeoutMs = options.timeoutMs ?? 15_000;
  const stream = options.messageStream ?? "outbound";
  const transport = createCapturingFetch();
  const client = new ServerClient(options.serverToken, {
    ...sdkHost(options.baseUrl ?? POSTMARK_DEFAULT_BASE_URL),
    timeout: timeoutMs / 1_000,
    fetch: transport.fetch,
  });

  const validate = (message: EmailMessage) => validateMessage(message, POSTMARK_MESSAGE_LIMITS);

  /** One `POST /email/batch`; Postmark answers it per message. */
  const sendChunk = async (chunk: EmailMessage[]): Promise<SendOutcome[]> => {
    const call = await transport.run(() =>
      client.sendEmailBatch(chunk.map((m) => toPostmarkMessage(m, stream))),
    );
    if (!call.ok) return failAll(chunk.length, classifyPostmarkError(call.error, call.capture, timeoutMs));
    const answers = call.value;
    // The batch answers 200 with one entry per message; a non-zero ErrorCode refused that one.
    return chunk.map((_, index): SendOutcome => {
      const answer = answers[index];
      if (answer && answer.ErrorCode === 0 && answer.MessageID) {
        return { ok: true, providerMessageId: answer.MessageID };
      }
      return {
        ok: false,
        error: new ProviderError({
          provider: "postmark",
          // No entry in a 200 answer: Postmark may have accepted it.
          kind: answer ? "rejected" : "outcome_unknown",
          reason: answer?.Message ?? "the batch answer had no entry for this message",
          ...(answer ? { providerCode: String(answer.ErrorCode), providerStatus: 422 } : {}),
        }),
      };
    });
  };

  return {
    id: "postmark",
    maxBatchSize: POSTMARK_MAX_BATCH_SIZE,
    deduplicates: false,
    maxBatchBytes: POSTMARK_MAX_BATCH_BYTES,
    validate,

    async send(message) {
      const invalid = validate(message);
      if (invalid) return { ok: false, error: invalid };
      const call = await transport.run(() => client.sendEmail(toPostmarkMessage(message, stream)));
      if (!call.ok) return { ok: false, error: classifyPostmarkError(call.error, call.capture, timeoutMs) };
      return { ok: true, providerMessageId: call.value.MessageID };
    },

    sendBatch: (messages) =>
      sendInBatches(
        messages,
        { maxBatchSize: POSTMARK_MAX_BATCH_SIZE, maxBatchBytes: POSTMARK_MAX_BATCH_BYTES, validate },
        sendChunk,
      ),

    verifyWebhook: (request) => verifyPostmarkWebhook(options.webhookBasicAuth, request),
    parseWebhook: parsePostmarkWebhook,
  };
}
