import { stuckEmailSends } from "@hogsend/db";
import type { HogsendClient } from "../../platform/client.js";
import { type BackgroundLoop, startIntervalLoop } from "../../platform/interval-loop.js";
import { type Mailer, STALE_CLAIM_MS } from "./mailer.js";

export interface EmailRedriveOptions {
  intervalMs?: number;
  /** A queued send younger than this still belongs to its own dispatch. */
  queuedForMs?: number;
  batchSize?: number;
}

/**
 * One email redrive pass over sends nobody finished: queued for too long (the process died before
 * dispatch, Hatchet refused the task, retries ran out) or claimed by a process that died
 * mid-call. Claims make it safe for several replicas to run it at once.
 */
export async function redriveStuckEmails(
  client: Pick<HogsendClient, "db">,
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
  client: Pick<HogsendClient, "db" | "logger">,
  mailer: Mailer,
  options: EmailRedriveOptions = {},
): BackgroundLoop {
  return startIntervalLoop(
    "email redrive",
    options.intervalMs ?? 30_000,
    async () => {
      const { sent, attempted } = await redriveStuckEmails(client, mailer, options);
      return attempted > 0 ? `${sent} of ${attempted} stuck send(s) sent` : undefined;
    },
    client.logger,
  );
}
