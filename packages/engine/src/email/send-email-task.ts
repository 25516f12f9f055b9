import type { HogsendClient } from "../client.js";
import type { Mailer } from "./mailer.js";

export const SEND_EMAIL_TASK = "send-email";

export interface SendEmailTaskInput {
  sendId: string;
  [key: string]: string;
}

/**
 * The Hatchet task that delivers one recorded send. A retryable provider failure throws, so
 * Hatchet retries with backoff; anything else (sent, failed, suppressed, already done) returns.
 * Running it twice for one send is harmless: only a `queued` send can be claimed.
 */
export function createSendEmailTask(client: HogsendClient, mailer: Mailer) {
  return client.hatchet.task({
    name: SEND_EMAIL_TASK,
    retries: 6,
    // 2^n seconds between attempts, capped at 10 minutes: about 20 minutes of outage in all,
    // after which the redrive loop picks the send up again.
    backoff: { factor: 2, maxSeconds: 600 },
    executionTimeout: "5m",
    fn: async (input: SendEmailTaskInput) => {
      const result = await mailer.dispatch(input.sendId);
      if (result.outcome === "retry") throw new Error(`provider unavailable: ${result.reason}`);
      return result;
    },
  });
}

/** Starts the task for a send without waiting; false when Hatchet did not take it (the redrive will). */
export async function enqueueSendEmailTask(client: HogsendClient, sendId: string): Promise<boolean> {
  try {
    await client.hatchet.runNoWait(SEND_EMAIL_TASK, { sendId } satisfies SendEmailTaskInput, {
      additionalMetadata: { sendId },
    });
    return true;
  } catch (err) {
    client.logger.warn(`email ${sendId}: could not start ${SEND_EMAIL_TASK}, the redrive will send it`, {
      error: (err as Error).message,
    });
    return false;
  }
}
