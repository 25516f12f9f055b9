import type { HogsendClient } from "../../platform/client.js";
import { type Mailer, SEND_EMAIL_TASK, type SendEmailTaskInput } from "./mailer.js";

/**
 * The Hatchet task that delivers one recorded send, for a mailer that dispatches `via: hatchet`.
 * A retryable provider failure throws, so Hatchet retries with backoff; anything else (sent,
 * failed, suppressed, already done) returns. Running it twice for one send is harmless: only a
 * `queued` send can be claimed.
 */
export function createSendEmailTask(client: Pick<HogsendClient, "hatchet">, mailer: Mailer) {
  return client.hatchet.task({
    name: SEND_EMAIL_TASK,
    retries: 6,
    // 2^n seconds between attempts, capped at 10 minutes: about 20 minutes of outage in all,
    // after which the email redrive picks the send up again.
    backoff: { factor: 2, maxSeconds: 600 },
    executionTimeout: "5m",
    fn: async (input: SendEmailTaskInput) => {
      const result = await mailer.dispatch(input.sendId);
      if (result.outcome === "retry") throw new Error(`provider unavailable: ${result.reason}`);
      return result;
    },
  });
}
