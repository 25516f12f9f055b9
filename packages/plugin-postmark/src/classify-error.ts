import { kindForStatus, ProviderError, parseRetryAfter } from "@hogsend/core";
import { Errors } from "postmark";
import type { CallCapture } from "./capture-response.js";

/**
 * A rejection of a Postmark SDK call → a classified ProviderError. The SDK reports "no response"
 * (network failure, timeout) with status 0; the capture says which it was and carries the
 * response headers the SDK drops.
 */
export function classifyPostmarkError(err: unknown, capture: CallCapture, timeoutMs: number): ProviderError {
  // Anything but the SDK's own error type is a bug in this adapter: let it surface.
  if (!(err instanceof Errors.PostmarkError)) throw err;
  if (!err.statusCode) {
    const name = (capture.error as { name?: string } | undefined)?.name;
    return name === "TimeoutError" || name === "AbortError"
      ? new ProviderError({
          provider: "postmark",
          kind: "timeout",
          reason: `no answer within ${timeoutMs} ms`,
          cause: err,
        })
      : new ProviderError({ provider: "postmark", kind: "unavailable", reason: err.message, cause: err });
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
