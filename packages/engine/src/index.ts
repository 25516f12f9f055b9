export { recordAudit } from "./audit/record-audit.js";
export {
  createStudioAdmin,
  generatePassword,
  listStudioAdmins,
  resetStudioAdminPassword,
} from "./auth/admin-users.js";
export { createApiKey, generateApiKeySecret, hashApiKey, verifyApiKey } from "./auth/api-keys.js";
export { type Auth, createAuth } from "./auth/better-auth.js";
export { ensureBootstrapApiKey, ensureFirstAdmin } from "./auth/bootstrap.js";
export { createRedisSecondaryStorage } from "./auth/secondary-storage.js";
export { checkBootSchema } from "./boot-guard.js";
export { createHogsendClient, type HogsendClient, type HogsendClientOptions } from "./client.js";
export {
  createMailer,
  type DispatchOutcome,
  type EnqueueResult,
  type Mailer,
  type MailerOptions,
  type SendEmailInput,
} from "./email/mailer.js";
export { redriveStuckEmails, startEmailRedriveLoop } from "./email/redrive.js";
export { createSendEmailTask, SEND_EMAIL_TASK } from "./email/send-email-task.js";
export { type Env, loadEnv, readEnv } from "./env.js";
export { checkHealth, type HealthReport, type HealthStatus } from "./health/health.js";
export { type AppContent, createApp } from "./http/app.js";
export { type RunningServer, type ServeOptions, serveApp } from "./http/serve.js";
export { type EventInput, EventInputSchema } from "./ingest/event-input.js";
export { type IngestResult, ingestEvent } from "./ingest/ingest-event.js";
export { redrivePendingEvents, startRedriveLoop } from "./ingest/redrive.js";
export { type Admission, type AdmissionFacts, decideAdmission } from "./journeys/admission.js";
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
export { createLogger, type Logger } from "./logger.js";
export {
  defineWebhookSource,
  type WebhookAuth,
  type WebhookItem,
  type WebhookSource,
} from "./webhooks/define-webhook-source.js";
export { createWorker, type WorkerContent, type WorkerOptions } from "./worker/create-worker.js";
export { selectJourneys } from "./worker/select-journeys.js";
