export { createDb, type Database, type DbHandle, type DbOptions } from "./client.js";
export {
  type DatabaseEnv,
  databaseEnvSchema,
  databaseEnvShape,
  defaultClientMigrationsDir,
  readDatabaseEnv,
} from "./env.js";
export * from "./queries/api-keys.js";
export * from "./queries/audit-logs.js";
export { API_KEY_SCOPES, type ApiKey, type ApiKeyScope } from "./schema/api-keys.js";
export type { AuditLog } from "./schema/audit.js";
export * as schema from "./schema/index.js";
