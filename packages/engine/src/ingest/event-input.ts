import { z } from "@hono/zod-openapi";
import { CallerKeySchema } from "../http/idempotency-key.js";

export const EVENT_NAME_PATTERN = /^[A-Za-z0-9_.:$-]{1,200}$/;
/** Namespaces Hogsend emits itself; outside callers may not forge them. */
export const RESERVED_PREFIXES = ["email.", "journey."] as const;

const properties = z.record(z.string(), z.unknown());

/** The body of POST /v1/events, and what webhook sources transform their payloads into. */
export const EventInputSchema = z
  .object({
    name: z
      .string()
      .regex(EVENT_NAME_PATTERN, "must be 1-200 characters of A-Z a-z 0-9 _ . : $ -")
      .refine((n) => !RESERVED_PREFIXES.some((p) => n.startsWith(p)), {
        message: `the ${RESERVED_PREFIXES.join(" and ")} namespaces are reserved for events Hogsend emits`,
      })
      .openapi({ example: "user_signed_up" }),
    userId: z.string().min(1).max(255).optional().openapi({ description: "Your product's user id" }),
    email: z.email().max(320).optional(),
    anonymousId: z.string().min(1).max(255).optional(),
    eventProperties: properties.optional().openapi({ description: "Stored on the event only" }),
    contactProperties: properties.optional().openapi({ description: "Merged into the contact only" }),
    timestamp: z.iso
      .datetime({ offset: true })
      // Postgres holds no year 0, and nothing a product records predates the epoch.
      .refine(
        (v) => Number.isNaN(Date.parse(v)) || new Date(v).getUTCFullYear() >= 1970,
        "must be in 1970 or later",
      )
      .optional()
      .openapi({ description: "When it happened (default: now)" }),
    idempotencyKey: CallerKeySchema.optional().openapi({
      description: "A replay with the same key is stored once; the Idempotency-Key header wins",
    }),
  })
  .superRefine((v, ctx) => {
    if (!v.userId && !v.email && !v.anonymousId) {
      for (const field of ["userId", "email", "anonymousId"]) {
        ctx.addIssue({
          code: "custom",
          path: [field],
          message: "one of userId, email or anonymousId is required",
        });
      }
    }
  })
  .openapi("EventInput");

export type EventInput = z.infer<typeof EventInputSchema>;
