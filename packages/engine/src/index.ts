// The engine's public API, by context. Access (auth, API keys, audit) is `@hogsend/access`.

export { redriveStuckEmails } from "./email/outbound/email-redrive.js";
// Email: outbound and preferences.
export {
  type DispatchOutcome,
  type DispatchVia,
  type EnqueueResult,
  type Mailer,
  SEND_EMAIL_TASK,
  type SendEmailInput,
} from "./email/outbound/mailer.js";
export { categoryOf, decideSend, type SendDecision, type SendFacts } from "./email/outbound/send-policy.js";
export { isSubscribed, type PreferenceFacts, preferenceBlock } from "./email/preferences/subscription.js";
export { type Env, loadEnv, readEnv } from "./env.js";
export { checkHealth, type HealthReport, type HealthStatus } from "./health/health.js";
export { type RunningServer, type ServeOptions, serveApp } from "./http/serve.js";
// Ingest.
export { type EventInput, EventInputSchema } from "./ingest/event-input.js";
export { redrivePendingEvents } from "./ingest/event-redrive.js";
export { type ExitCheck, exitCheckApplies } from "./ingest/exit-policy.js";
export { type ContactIdentity, distinctIdOf, identityOf } from "./ingest/identity.js";
export type { ContactEvents, IngestResult, IngestService } from "./ingest/ingest-service.js";
export { type Admission, type AdmissionFacts, decideAdmission } from "./journeys/admission.js";
// Journeys.
export {
  defineJourney,
  type EntryLimit,
  type JourneyContext,
  type JourneyDefinition,
  type JourneyEmail,
  JourneyExit,
  type JourneyMeta,
  type JourneySendResult,
  type JourneyUser,
  type Register,
  type RegisteredTemplates,
  type WaitForEventOptions,
  type WaitResult,
} from "./journeys/define-journey.js";
export { type ExitRules, exitRulesOf } from "./journeys/exit-check.js";
export { waitExpression } from "./journeys/journey-context.js";
export { journeyTaskName } from "./journeys/journey-tasks.js";
export { checkBootSchema } from "./platform/boot-guard.js";
// Composition: client → runtime → app / worker.
export { createHogsendClient, type HogsendClient, type HogsendClientOptions } from "./platform/client.js";
export { createLogger, type Logger } from "./platform/logger.js";
export { createApp } from "./runtime/create-app.js";
export {
  createRuntime,
  type LoopName,
  type Runtime,
  type RuntimeContent,
  type RuntimeOptions,
} from "./runtime/create-runtime.js";
export { createWorker, type WorkerOptions } from "./runtime/create-worker.js";
// Inbound webhook sources.
export {
  defineWebhookSource,
  type WebhookAuth,
  type WebhookItem,
  type WebhookSource,
} from "./sources/define-webhook-source.js";
export { selectJourneys } from "./worker/select-journeys.js";
