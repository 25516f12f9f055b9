export {
  type Condition,
  evaluateCondition,
  evaluateConditions,
  readPath,
} from "./conditions.js";
export { type Duration, parseDuration, toHatchetDuration } from "./duration.js";
export { failAll, sendInBatches } from "./email/batch.js";
export type {
  NeutralEmailEvent,
  NeutralEmailEventType,
  WebhookFieldIssue,
  WebhookParseResult,
  WebhookRequest,
  WebhookVerification,
} from "./email/events.js";
export type { EmailMessage, SendOutcome, SendResult } from "./email/message.js";
export type { EmailProvider } from "./email/provider.js";
export {
  credentialOf,
  type EmailProviderDescriptor,
  type ProviderEnv,
} from "./email/provider-descriptor.js";
export {
  kindForStatus,
  ProviderError,
  type ProviderErrorInit,
  type ProviderErrorKind,
  parseRetryAfter,
} from "./email/provider-error.js";
export {
  createRateScheduler,
  type RateLimit,
  type RateLimitedProvider,
  type RateScheduler,
  type RateSchedulerOptions,
  type ScheduledOutcome,
  withRateLimit,
} from "./email/rate-scheduler.js";
export {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  type RetryOptions,
  type RetryPolicy,
  retryProviderCall,
} from "./email/retry.js";
export { type MessageLimits, validateMessage } from "./email/validate-message.js";
export { PayloadFields, parseJsonObject } from "./email/webhook-payload.js";
export { type EnvIssue, type EnvResult, formatEnvIssues, parseEnv } from "./env/parse-env.js";
export { AppError, type AppErrorOptions } from "./errors/app-error.js";
export { ERROR_STATUS, type ErrorCode } from "./errors/codes.js";
export { hostPortFromHatchetToken } from "./hatchet/token.js";
export { suggest } from "./suggest.js";
