export {
  type DetachedStack,
  type DetachedStackOptions,
  type HostState,
  startDetachedStack,
} from "./detached-stack.js";
export { dockerEngineAvailable } from "./docker.js";
export { childEnv, existingServicesFromEnv } from "./env.js";
export { getFreePort, isPortFree } from "./free-port.js";
export { HATCHET_ENGINE_TAG, type HatchetHandle, type HatchetRoute, startHatchet } from "./hatchet/index.js";
export { findWorkspaceRoot, hogsendDir } from "./paths.js";
export { ensureDatabase, identifier, type PostgresHandle, startPostgres } from "./postgres.js";
export { type RedisHandle, startRedis } from "./redis.js";
export { seededRandom } from "./seeded-random.js";
export { HOST_PORTS, type Stack, type StackEnv, type StartStackOptions, startStack } from "./stack.js";
