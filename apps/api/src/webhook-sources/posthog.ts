import { defineWebhookSource, type WebhookItem } from "@hogsend/engine";
import { z } from "zod";

const properties = z.record(z.string(), z.unknown());

/** PostHog's HTTP webhook destination body: `{ event, person, groups, project }`. */
const PostHogPayloadSchema = z.object({
  event: z.object({
    uuid: z.string().min(1),
    event: z.string().min(1),
    distinct_id: z.string().min(1),
    properties: properties.default({}),
    timestamp: z.iso.datetime({ offset: true }).optional(),
  }),
  person: z
    .object({
      id: z.string().optional(),
      properties: properties.default({}),
    })
    .nullish(),
});

const RESERVED = ["email.", "journey."];

/**
 * PostHog → Hogsend. Authenticated by the shared secret PostHog sends in
 * `x-posthog-webhook-secret` (POSTHOG_WEBHOOK_SECRET). `distinct_id` becomes the user id,
 * person properties the contact's, event properties the event's.
 */
export const posthogSource = defineWebhookSource({
  id: "posthog",
  auth: {
    kind: "shared-secret",
    header: "x-posthog-webhook-secret",
    secret: (env) => env.POSTHOG_WEBHOOK_SECRET,
    secretEnv: "POSTHOG_WEBHOOK_SECRET",
  },
  schema: PostHogPayloadSchema,
  transform: ({ event, person }): WebhookItem[] => {
    const personProps = person?.properties ?? {};
    const email = typeof personProps.email === "string" ? personProps.email : undefined;
    // Events we captured ourselves (email.opened mirrored to PostHog…) must not echo back in.
    if (event.properties.$lib === "hogsend") return [{ skip: `${event.uuid}: emitted by Hogsend` }];
    if (RESERVED.some((p) => event.event.startsWith(p))) {
      return [{ skip: `${event.uuid}: ${event.event} is in a namespace reserved for Hogsend` }];
    }
    // An anonymous visitor with no email cannot be emailed: not worth a contact.
    if (!email && event.properties.$is_identified !== true) {
      return [{ skip: `${event.uuid}: anonymous ${event.event} without an email` }];
    }
    return [
      {
        event: {
          name: event.event,
          userId: event.distinct_id,
          ...(email ? { email } : {}),
          eventProperties: event.properties,
          contactProperties: personProps,
          ...(event.timestamp ? { timestamp: event.timestamp } : {}),
          // PostHog retries deliveries: its event uuid makes a redelivery a no-op (stored as
          // `webhook:posthog:<uuid>`).
          idempotencyKey: event.uuid,
        },
      },
    ];
  },
});
