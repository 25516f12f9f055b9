import type { TemplateRegistry } from "@hogsend/email";
import { createEmailDispatcher, type EmailDispatcherOptions } from "../email/outbound/dispatcher.js";
import { createMailer, type Mailer, type MailerOptions } from "../email/outbound/mailer.js";
import type { HealthContent } from "../health/health.js";
import {
  createIngestService,
  type IngestService,
  type IngestServiceOptions,
} from "../ingest/ingest-service.js";
import type { JourneyDefinition } from "../journeys/define-journey.js";
import { journeyEventConsumers } from "../journeys/exit-check.js";
import type { HogsendClient } from "../platform/client.js";
import type { WebhookSource } from "../sources/define-webhook-source.js";

/** The operator's content: what `apps/api` bundles and the engine serves and runs. */
export interface RuntimeContent extends HealthContent {
  /** Every journey of the deployment: their exitOn rules end enrollments at ingest. */
  journeys?: JourneyDefinition[] | undefined;
  /** The email templates: without them there is no mailer (no POST /v1/emails, no ctx.sendEmail). */
  templates?: TemplateRegistry | undefined;
  /** Served at POST /v1/webhooks/:sourceId. */
  webhookSources?: WebhookSource[] | undefined;
}

/** A background loop a run mode keeps going, and how to stop it (waiting for work in flight). */
interface BackgroundLoop {
  readonly name: string;
  stop(): Promise<void>;
}

/** A background loop a run mode keeps going. */
export type LoopName = "event-outbox" | "email-dispatcher";

export interface RuntimeOptions {
  /** The mailer's attempts, backoff and stale-claim age (tests shorten them). */
  mailer?:
    | Pick<MailerOptions, "staleClaimMs" | "maxAttempts" | "retryBaseMs" | "retryMaxMs" | "providerRetry">
    | undefined;
  /** The email dispatcher's batch size and lanes. */
  dispatcher?: EmailDispatcherOptions | undefined;
  /** Group-commit and outbox-pusher tuning (tests shorten the pusher's backoff). */
  ingest?: IngestServiceOptions | undefined;
  /**
   * What `start()` runs. Default: the event outbox's pusher (LISTEN and sweep) in every process,
   * and the email dispatcher in the worker: the api records sends, the worker sends them.
   */
  loops?: readonly LoopName[] | undefined;
}

/** Everything built from the client and the operator's content, once per process. */
export interface Runtime {
  readonly client: HogsendClient;
  readonly content: RuntimeContent;
  readonly templates: TemplateRegistry | undefined;
  readonly journeys: { readonly all: JourneyDefinition[] };
  /** Ingest with the exit check of every journey of the deployment. */
  readonly ingest: IngestService;
  /** The one owner of email dispatch; undefined without templates. */
  readonly mailer: Mailer | undefined;
  /** Starts the background loops of this run mode; idempotent. */
  start(): void;
  /** Stops the loops and waits for passes in flight. Does not close the client. */
  stop(): Promise<void>;
}

/**
 * The second composition stage: builds, once, what depends on the operator's content (ingest
 * with its exit check, the mailer, the journeys, the background loops) on top of the client
 * (`createHogsendClient`). `createApp` and `createWorker` take the runtime; nothing else builds
 * these services.
 */
export function createRuntime(
  client: HogsendClient,
  content: RuntimeContent,
  options: RuntimeOptions = {},
): Runtime {
  const journeys = content.journeys ?? [];
  const ingest = createIngestService(client, journeyEventConsumers(client, journeys), options.ingest);
  const mailer = content.templates
    ? createMailer(client, {
        templates: content.templates,
        ...options.mailer,
        events: ingest,
      })
    : undefined;
  const loopNames: readonly LoopName[] =
    options.loops ?? (client.role === "worker" ? ["event-outbox", "email-dispatcher"] : ["event-outbox"]);
  let loops: BackgroundLoop[] | undefined;

  return {
    client,
    content,
    templates: content.templates,
    journeys: { all: journeys },
    ingest,
    mailer,
    start() {
      loops ??= loopNames.flatMap((name): BackgroundLoop[] => {
        // Queued events reach Hatchet: woken by writes here, by NOTIFY from other processes, and
        // by a sweep for events whose backoff ran out (the engine was unreachable).
        if (name === "event-outbox") {
          ingest.pusher.start();
          return [{ name, stop: () => ingest.pusher.stop() }];
        }
        // email_sends is the queue: batches claimed here, woken by enqueue, NOTIFY and a sweep.
        if (!mailer) return [];
        const dispatcher = createEmailDispatcher(client, mailer, options.dispatcher);
        mailer.onQueued(dispatcher.wake);
        dispatcher.start();
        return [{ name, stop: () => dispatcher.stop() }];
      });
    },
    async stop() {
      // Writes in flight finish before the pusher stops, so what they queued is not stranded here.
      await ingest.idle();
      await Promise.all((loops ?? []).map((loop) => loop.stop()));
      await ingest.pusher.stop();
      await mailer?.close();
      loops = [];
    },
  };
}
