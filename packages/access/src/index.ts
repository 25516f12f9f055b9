export {
  countStudioUsers,
  createStudioAdmin,
  createStudioUser,
  findStudioUser,
  generatePassword,
  listStudioAdmins,
  resetStudioAdminPassword,
  resetStudioUserPassword,
  setStudioUserRole,
} from "./admin-users.js";
export { type ApiKeyVerifier, createApiKeyVerifier } from "./api-key-cache.js";
export { createApiKey, generateApiKeySecret, hashApiKey, secretsEqual, verifyApiKey } from "./api-keys.js";
export {
  AUTH_BASE_PATH,
  type Auth,
  type AuthConfig,
  CLIENT_IP_HEADER,
  createAuth,
  SESSION_TTL_SECONDS,
  SIGN_IN_LIMIT,
} from "./better-auth.js";
export { type BootstrapLogger, ensureBootstrapApiKey, ensureFirstAdmin } from "./bootstrap.js";
export {
  type Access,
  type Principal,
  principalAllows,
  principalKey,
  requiredScopes,
  rolesAllowed,
} from "./principal.js";
export { type AuditEntry, recordAudit } from "./record-audit.js";
export { createRedisSecondaryStorage } from "./secondary-storage.js";
export { createSecretSink, type SecretSink } from "./secret-sink.js";
