import { AppError } from "../errors/app-error.js";
import type { ErrorCode } from "../errors/codes.js";

/**
 * Why a provider call failed, which decides what the mailer does next:
 * - `rate_limited`, `unavailable` and `timeout` are retried with backoff (a timeout only where a
 *   retry is safe: the provider dedupes by idempotency key);
 * - `rejected` is permanent and recorded as failed with its reason;
 * - `outcome_unknown`: the request left and no answer came (a timeout or a dropped connection)
 *   from a provider without idempotency, so it may have been accepted. Never retried blindly: the
 *   caller records it and reconciles (provider webhooks, message search) or hands it to an operator.
 */
export type ProviderErrorKind = "rate_limited" | "unavailable" | "timeout" | "rejected" | "outcome_unknown";

const RETRYABLE: ReadonlySet<ProviderErrorKind> = new Set(["rate_limited", "unavailable", "timeout"]);

export interface ProviderErrorInit {
  provider: string;
  kind: ProviderErrorKind;
  reason: string;
  /** HTTP status the provider answered with; unset when no answer came (network, timeout). */
  providerStatus?: number;
  /**
   * The provider's own error code (`rate_limit_exceeded`, `406`, …), or `invalid_message` when
   * Hogsend refused the message itself before any call (see `validateMessage`).
   */
  providerCode?: string;
  /** From `Retry-After`: the earliest moment a retry may succeed. */
  retryAfterMs?: number;
  cause?: unknown;
}

function codeFor(kind: ProviderErrorKind, providerStatus: number | undefined): ErrorCode {
  if (kind === "rate_limited") return "RATE_LIMITED";
  if (kind !== "rejected") return "DEPENDENCY_UNAVAILABLE";
  // A provider refusing our credentials is our misconfiguration, not the caller's bad input.
  return providerStatus === 401 || providerStatus === 403 ? "INTERNAL" : "VALIDATION_FAILED";
}

/** A classified failure of an email provider call; `retryable` is false for `rejected` and `outcome_unknown`. */
export class ProviderError extends AppError {
  readonly provider: string;
  readonly kind: ProviderErrorKind;
  readonly reason: string;
  readonly providerStatus: number | undefined;
  readonly providerCode: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(init: ProviderErrorInit) {
    super(codeFor(init.kind, init.providerStatus), `${init.provider} ${init.kind}: ${init.reason}`, {
      retryable: RETRYABLE.has(init.kind),
      cause: init.cause,
      details: {
        provider: init.provider,
        kind: init.kind,
        providerStatus: init.providerStatus,
        providerCode: init.providerCode,
      },
    });
    this.name = "ProviderError";
    this.provider = init.provider;
    this.kind = init.kind;
    this.reason = init.reason;
    this.providerStatus = init.providerStatus;
    this.providerCode = init.providerCode;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** The kind an HTTP status maps to: 429 rate limited, 408 timeout, 5xx unavailable, other 4xx rejected. */
export function kindForStatus(status: number): ProviderErrorKind {
  if (status === 429) return "rate_limited";
  if (status === 408) return "timeout";
  if (status >= 500) return "unavailable";
  return "rejected";
}

/**
 * Milliseconds to wait from a `Retry-After` value (delta seconds or an HTTP date); undefined when
 * absent or unreadable. A date in the past means "now".
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1_000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
