import type { WebhookSource } from "@hogsend/engine";
import { posthogSource } from "./posthog.js";

/** Every webhook source this deployment serves at POST /v1/webhooks/:id. */
export const webhookSources: WebhookSource[] = [posthogSource as WebhookSource];
