import { kindForStatus, ProviderError, parseRetryAfter } from "@hogsend/core";
import { Errors } from "postmark";
import type { CallCapture } from "./capture-response.js";

/**
 * Network errors that mean the request never reached Postmark: no connection was made, so a
 * retry cannot duplicate anything. Any other failure without an answer (our timeout, a reset or
 * closed socket) may come after Postmark accepted the message.
 */
const NEVER_SENT = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

function networkCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === "string" ? cause.code : undefined;
}

/**
 * A rejection of a Postmark SDK call → a classified ProviderError. The SDK reports "no response"
 * (network failure, timeout) with status 0; the capture says which it was and carries the
 * response headers the SDK drops. Postmark has no idempotency, so a call that may have been
 * received but got no answer is `outcome_unknown`, never retried blindly.
 */
export function classifyPostmarkError(err: unknown, capture: CallCapture, timeoutMs: number): ProviderError {
  // Anything but the SDK's own error type is a bug in this adapter: let it surface.
  if (!(err instanceof Errors.PostmarkError)) throw err;
  if (!err.statusCode) {
    const code = networkCode(capture.error);
    if (code !== undefined && NEVER_SENT.has(code)) {
      return new ProviderError({
        provider: "postmark",
        kind: "unavailable",
        reason: err.message,
        cause: err,
      });
    }
    const name = (capture.error as { name?: string } | undefined)?.name;
    const what =
      name === "TimeoutError" || name === "AbortError"
        ? `no answer within ${timeoutMs} ms`
        : `the connection failed after the request was sent (${code ?? err.message})`;
    return new ProviderError({
      provider: "postmark",
      kind: "outcome_unknown",
      reason: `${what}; Postmark may have accepted it and has no idempotency, so it is not resent`,
      cause: err,
    });
  }
  return new ProviderError({
    provider: "postmark",
    kind: kindForStatus(err.statusCode),
    reason: err.message,
    providerStatus: err.statusCode,
    providerCode: String(err.code),
    retryAfterMs: parseRetryAfter(capture.response?.headers.get("retry-after")),
    cause: err,
  });
}
