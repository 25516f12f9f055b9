import { kindForStatus, ProviderError, parseRetryAfter } from "@hogsend/core";
import type { ErrorResponse } from "resend";

/**
 * A Resend SDK error → a classified ProviderError. The SDK never throws: it answers
 * `{ error, headers }`, with `headers: null` when no response arrived (network failure, or our
 * timeout signal aborted the request). Without an answer the request may have been accepted:
 * that is retryable only when it carried an `Idempotency-Key` (Resend replays instead of sending
 * again), and `outcome_unknown` otherwise.
 */
export function classifyResendError(
  error: ErrorResponse,
  headers: Record<string, string> | null,
  call: { aborted: boolean; timeoutMs: number; idempotent: boolean },
): ProviderError {
  if (headers === null) {
    if (!call.idempotent) {
      const what = call.aborted ? `no answer within ${call.timeoutMs} ms` : error.message;
      return new ProviderError({
        provider: "resend",
        kind: "outcome_unknown",
        reason: `${what}; the request carried no idempotency key, so it is not resent`,
      });
    }
    return call.aborted
      ? new ProviderError({
          provider: "resend",
          kind: "timeout",
          reason: `no answer within ${call.timeoutMs} ms`,
        })
      : new ProviderError({ provider: "resend", kind: "unavailable", reason: error.message });
  }
  const status = typeof error.statusCode === "number" ? error.statusCode : undefined;
  // Another request with this key is still in flight: retrying later replays its answer.
  const kind =
    error.name === "concurrent_idempotent_requests"
      ? "unavailable"
      : status === undefined
        ? "unavailable"
        : kindForStatus(status);
  return new ProviderError({
    provider: "resend",
    kind,
    reason: error.message,
    providerStatus: status,
    providerCode: error.name,
    retryAfterMs: parseRetryAfter(headers["retry-after"]),
  });
}
