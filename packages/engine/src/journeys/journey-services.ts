import type { Mailer } from "../email/outbound/mailer.js";
import type { ContactEvents } from "../ingest/ingest-service.js";
import type { HogsendClient } from "../platform/client.js";

/** What a journey run works with, built once by the runtime. */
export interface JourneyServices {
  client: HogsendClient;
  /** Where `ctx.trigger` and `journey.*` events are recorded. */
  events: ContactEvents;
  /** Undefined when the deployment has no templates: `ctx.sendEmail` then fails the run. */
  mailer: Mailer | undefined;
}
