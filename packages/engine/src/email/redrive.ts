import { stuckEmailSends } from "@hogsend/db";
import type { HogsendClient } from "../client.js";
import { type Mailer, STALE_CLAIM_MS } from "./mailer.js";

export interface EmailRedriveOptions {
  intervalMs?: number;
  /** A queued send younger than this still belongs to its own dispatch. */
  queuedForMs?: number;
  batchSize?: number;
}

/**
 * One pass over sends nobody finished: queued for too long (the process died before dispatch,
 * Hatchet refused the task, retries ran out) or claimed by a process that died mid-call. Claims
 * make it safe for several api replicas to run it at once.
 */
export async function redriveStuckEmails(
  client: HogsendClient,
  mailer: Mailer,
  options: EmailRedriveOptions = {},
): Promise<{ sent: number; attempted: number }> {
  const stuck = await stuckEmailSends(client.db.db, {
    queuedForMs: options.queuedForMs ?? 2 * 60_000,
    staleAfterMs: STALE_CLAIM_MS,
    limit: options.batchSize ?? 100,
  });
  let sent = 0;
  for (const { id } of stuck) {
    const result = await mailer.dispatch(id);
    if (result.outcome === "sent") sent++;
  }
  return { sent, attempted: stuck.length };
}

/** Runs the email redrive on an interval until stopped. */
export function startEmailRedriveLoop(
  client: HogsendClient,
  mailer: Mailer,
  options: EmailRedriveOptions = {},
): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    running = redriveStuckEmails(client, mailer, options)
      .then(({ sent, attempted }) => {
        if (attempted > 0) client.logger.info(`email redrive: ${sent} of ${attempted} stuck send(s) sent`);
      })
      .catch((err: Error) => client.logger.warn("email redrive pass failed", { error: err.message }))
      .finally(() => {
        busy = false;
      });
  }, options.intervalMs ?? 30_000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
