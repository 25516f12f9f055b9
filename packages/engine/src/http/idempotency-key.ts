import { z } from "@hono/zod-openapi";

/**
 * Prefixes of the keys Hogsend writes itself: journey effects (`journey:`), its own email events
 * (`email.sent:…`), webhook sources' deliveries (`webhook:<id>:`), sends without a key (`auto:`)
 * and provider keys (`hogsend-…`). A caller who could claim one would make the real write a
 * silent duplicate: a journey's email answered with the caller's send, a PostHog event dropped.
 */
export const RESERVED_KEY_PREFIXES = ["journey:", "email.", "webhook:", "auto:", "hogsend"] as const;

export const isReservedKey = (key: string) => RESERVED_KEY_PREFIXES.some((prefix) => key.startsWith(prefix));

/** An idempotency key a caller may choose: 1–200 characters, outside Hogsend's own namespaces. */
export const CallerKeySchema = z
  .string()
  .min(1)
  .max(200)
  .refine((key) => !isReservedKey(key), {
    message: `must not start with ${RESERVED_KEY_PREFIXES.map((p) => `"${p}"`).join(", ")}: those are Hogsend's own`,
  });
