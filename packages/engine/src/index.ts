// The engine's public API, by context. Access (auth, API keys, audit) is `@hogsend/access`.

export { type ContactErased, eraseContactEverywhere } from "./admin/contact-privacy.js";
// Operator actions on journeys: the admin API's, shared with the CLI.
export {
  cancelEnrollment,
  describeJourneys,
  enrollByHand,
  findJourney,
  overrideJourneyEnabled,
} from "./admin/journeys.js";
export { type DoctorCheck, doctorPassed, formatDoctor, runDoctor } from "./doctor/doctor.js";
// Email: outbound and preferences.
export type { Mailer } from "./email/outbound/mailer.js";
export { categoryOf, decideSend, type SendDecision, type SendFacts } from "./email/outbound/send-policy.js";
export { isSubscribed, type PreferenceFacts } from "./email/preferences/subscription.js";
export { type Env, loadEnv, readEnv } from "./env.js";
// Operations: `hogsend doctor`, `hogsend contacts erase`, what an import may store.
export { findUnstorable } from "./http/json-guard.js";
export { type RunningServer, serveApp } from "./http/serve.js";
// Ingest.
export { type EventInput, EventInputSchema } from "./ingest/event-input.js";
export { exitCheckApplies } from "./ingest/exit-policy.js";
export { decideAdmission } from "./journeys/admission.js";
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
export { checkBootSchema } from "./platform/boot-guard.js";
// Composition: client → runtime → app / worker.
export { createHogsendClient, type HogsendClient } from "./platform/client.js";
export { createLogger, type Logger } from "./platform/logger.js";
export { createApp } from "./runtime/create-app.js";
export {
  createRuntime,
  type Runtime,
  type RuntimeContent,
  type RuntimeOptions,
} from "./runtime/create-runtime.js";
export { createWorker } from "./runtime/create-worker.js";
// The run modes, whole: what a deployment's entries call with its content.
export { type RunModeOptions, runApiMode } from "./runtime/run-api.js";
export { runWorkerMode } from "./runtime/run-worker.js";
// Inbound webhook sources.
export {
  defineWebhookSource,
  type WebhookAuth,
  type WebhookItem,
  type WebhookSource,
} from "./sources/define-webhook-source.js";
export { selectJourneys } from "./worker/select-journeys.js";
