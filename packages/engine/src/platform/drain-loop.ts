import type { HogsendClient } from "./client.js";

export interface DrainLoop<R> {
  /** Asks for a drain now; wake-ups during a drain coalesce into one more. Never throws. */
  wake(): void;
  /** Runs `drainOnce` until it reports nothing left, and again if woken meanwhile. */
  drain(): Promise<R[]>;
  /** Listens on the channel (LISTEN/NOTIFY, so other processes' writes wake it) and starts the sweep. Idempotent. */
  start(): void;
  /** Stops listening and sweeping and waits for the drain in flight; later wake-ups do nothing. */
  stop(): Promise<void>;
  readonly stopped: boolean;
}

/**
 * A queue in Postgres drained by whichever process is awake: woken in process by the write that
 * queued work, across processes by `NOTIFY` on `channel`, and by a sweep every `sweepMs` for work
 * whose backoff ran out or whose wake-up was lost. One drain at a time per process; processes
 * share the queue through their own `FOR UPDATE SKIP LOCKED` claims. The event outbox's pusher
 * and the email dispatcher are both this loop around their own `drainOnce`.
 */
export function createDrainLoop<R>(
  client: Pick<HogsendClient, "db" | "logger">,
  options: { name: string; channel: string; sweepMs: number; drainOnce: () => Promise<R> },
): DrainLoop<R> {
  const { sql } = client.db;
  let draining: Promise<R[]> | undefined;
  let again = false;
  let stopped = false;
  let sweep: NodeJS.Timeout | undefined;
  let unlisten: (() => Promise<void>) | undefined;

  function drain(): Promise<R[]> {
    if (draining) {
      again = true;
      return draining;
    }
    draining = (async () => {
      const rounds: R[] = [];
      do {
        again = false;
        if (!stopped) rounds.push(await options.drainOnce());
      } while (again && !stopped);
      return rounds;
    })().finally(() => {
      draining = undefined;
    });
    return draining;
  }

  function wake() {
    if (stopped) return;
    drain().catch((err: Error) =>
      client.logger.warn(`${options.name}: drain failed; the sweep retries`, { error: err.message }),
    );
  }

  return {
    wake,
    drain,
    get stopped() {
      return stopped;
    },
    start() {
      if (sweep || stopped) return;
      sweep = setInterval(wake, options.sweepMs);
      sweep.unref();
      sql
        .listen(options.channel, wake)
        .then((listener) => {
          unlisten = listener.unlisten;
          if (stopped) return listener.unlisten();
        })
        .catch((err: Error) =>
          client.logger.warn(
            `${options.name}: could not LISTEN on ${options.channel}; the sweep still drains`,
            {
              error: err.message,
            },
          ),
        );
      wake();
    },
    async stop() {
      stopped = true;
      clearInterval(sweep);
      await unlisten?.().catch(() => {});
      await draining?.catch(() => {});
    },
  };
}
