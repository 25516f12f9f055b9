import type { Store } from "./store.js";
import type { CapturedSend } from "./types.js";

/** Until journeys call `ctx.sendEmail`, a checkpoint named `send:<template>` stands for a send. */
export const SEND_CHECKPOINT_PREFIX = "send:";

/**
 * Records one email a journey sent. Every captured send goes through here, so when
 * `ctx.sendEmail` lands its harness version calls this and the checkpoint convention goes.
 */
export function recordSend(store: Store, send: CapturedSend): void {
  store.captured.sends.push(send);
}

/** The send a newly logged checkpoint stands for, if it is a `send:<template>` checkpoint. */
export function sendOfCheckpoint(
  name: string,
  data: Record<string, unknown>,
  base: { userId: string; journeyId: string; at: Date; email: string | null },
): CapturedSend | undefined {
  if (!name.startsWith(SEND_CHECKPOINT_PREFIX)) return undefined;
  return {
    userId: base.userId,
    journeyId: base.journeyId,
    at: base.at,
    template: typeof data.template === "string" ? data.template : name.slice(SEND_CHECKPOINT_PREFIX.length),
    to: typeof data.to === "string" ? data.to : base.email,
    data,
  };
}
