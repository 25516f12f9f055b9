import type { TemplateRegistry } from "@hogsend/email";
import type { HogsendClient } from "../client.js";
import { createMailer } from "../email/mailer.js";
import { createSendEmailTask } from "../email/send-email-task.js";
import type { JourneyDefinition } from "../journeys/define-journey.js";
import { exitRulesOf } from "../journeys/exit-check.js";
import { createJourneyTasks } from "../journeys/journey-tasks.js";
import { heartbeatKey, startHeartbeat, workerInstanceId } from "./heartbeat.js";
import { selectJourneys } from "./select-journeys.js";

export interface WorkerContent {
  journeys: JourneyDefinition[];
  /** The email templates journeys send; without them `ctx.sendEmail` fails and no send-email task runs. */
  templates?: TemplateRegistry;
}

export interface WorkerOptions {
  name?: string;
  /** Concurrent task runs on this worker. */
  slots?: number;
}

/**
 * The worker run mode: registers the enabled journeys as Hatchet durable tasks (and the
 * send-email task their emails go out through) and keeps a
 * heartbeat in Redis. `start()` resolves once the worker is connected; `stop()` lets in-flight
 * steps finish (durable runs resume elsewhere) and stops the heartbeat.
 */
export async function createWorker(
  client: HogsendClient,
  content: WorkerContent,
  options: WorkerOptions = {},
) {
  const journeys = selectJourneys(content.journeys, client.env.ENABLED_JOURNEYS);
  const name = options.name ?? "hogsend-worker";
  const mailer = content.templates
    ? createMailer(client, { templates: content.templates, exitRules: exitRulesOf(content.journeys) })
    : undefined;
  const worker = await client.hatchet.worker(name, {
    workflows: [
      ...createJourneyTasks(client, journeys, mailer),
      ...(mailer ? [createSendEmailTask(client, mailer)] : []),
    ],
    slots: options.slots ?? 50,
    // The run mode handles SIGTERM itself (grace timeout, heartbeat, pools); the SDK's own
    // handler would process.exit(0) as soon as tasks finish, cutting that short.
    handleKill: false,
  });
  let heartbeat: { stop(): Promise<void> } | undefined;
  return {
    journeys: journeys.map((j) => j.meta.id),
    async start() {
      void worker.start();
      await worker.waitUntilReady(60_000);
      if (client.redis)
        heartbeat = startHeartbeat(
          client.redis,
          heartbeatKey(client.env.HATCHET_CLIENT_NAMESPACE),
          workerInstanceId(name),
        );
      client.logger.info(
        `worker ${name} ready: ${journeys.length} journey(s): ${journeys.map((j) => j.meta.id).join(", ")}`,
      );
    },
    async stop() {
      await worker.stop();
      await heartbeat?.stop();
    },
  };
}
