export { createDb, type Database, type DbHandle, type DbOptions } from "./client.js";
export {
  type DatabaseEnv,
  databaseEnvSchema,
  databaseEnvShape,
  defaultClientMigrationsDir,
  readDatabaseEnv,
} from "./env.js";
export * as schema from "./schema/index.js";
