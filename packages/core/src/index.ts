export {
  type Condition,
  type ConditionOp,
  evaluateCondition,
  evaluateConditions,
  readPath,
} from "./conditions.js";
export { type Duration, parseDuration, toHatchetDuration } from "./duration.js";
export { type EnvIssue, type EnvResult, formatEnvIssues, parseEnv } from "./env/parse-env.js";
export { AppError, type AppErrorOptions } from "./errors/app-error.js";
export { ERROR_STATUS, type ErrorCode } from "./errors/codes.js";
export { hostPortFromHatchetToken } from "./hatchet/token.js";
