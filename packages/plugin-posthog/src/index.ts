export {
  type AnalyticsEvent,
  createPostHogAnalytics,
  HOGSEND_LIB,
  type PostHogAnalytics,
  type PostHogAnalyticsOptions,
} from "./create-posthog-analytics.js";
export {
  createPostHogPersons,
  type PersonCacheRedis,
  type PostHogPersons,
  type PostHogPersonsOptions,
} from "./create-posthog-persons.js";
export { eventUuid } from "./event-uuid.js";
export type { PostHogLogger } from "./logger.js";
export { privateApiHost } from "./private-api-host.js";
