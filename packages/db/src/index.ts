export { createDb, type Database, type DbHandle, type DbOptions, type Queryable } from "./client.js";
export {
  type DatabaseEnv,
  databaseEnvSchema,
  databaseEnvShape,
  defaultClientMigrationsDir,
  readDatabaseEnv,
} from "./env.js";
export * from "./queries/admin-contacts.js";
export * from "./queries/admin-emails.js";
export * from "./queries/admin-events.js";
export * from "./queries/admin-journeys.js";
export * from "./queries/api-keys.js";
export * from "./queries/audit-logs.js";
export { type ClaimOwner, createClaimOwner } from "./queries/claim-owner.js";
export * from "./queries/contacts.js";
export * from "./queries/email-dispatch.js";
export * from "./queries/email-enqueue.js";
export * from "./queries/email-sends.js";
export * from "./queries/email-tracking.js";
export * from "./queries/enrollment.js";
export * from "./queries/event-outbox.js";
export * from "./queries/event-writes.js";
export * from "./queries/events.js";
export * from "./queries/journeys.js";
export * from "./queries/outbox.js";
export { decodeKeysetCursor, type KeysetCursor, type Page } from "./queries/pagination.js";
export * from "./queries/preferences.js";
export * from "./queries/privacy.js";
export * from "./queries/suppressions.js";
export { API_KEY_SCOPES, type ApiKey, type ApiKeyScope } from "./schema/api-keys.js";
export type { AuditLog } from "./schema/audit.js";
export { STUDIO_ROLES, type StudioRole } from "./schema/auth.js";
export type { Contact } from "./schema/contacts.js";
export {
  EMAIL_EVENT_TYPES,
  EMAIL_SEND_STATUSES,
  type EmailEvent,
  type EmailEventType,
  type EmailSend,
  type EmailSendStatus,
  type OutboxMessage,
} from "./schema/email.js";
export type { UserEvent } from "./schema/events.js";
export * as schema from "./schema/index.js";
export { JOURNEY_STATUSES, type JourneyState, type JourneyStatus } from "./schema/journeys.js";
export type { EmailPreferences } from "./schema/preferences.js";
