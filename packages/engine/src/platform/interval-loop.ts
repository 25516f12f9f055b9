import type { Logger } from "./logger.js";

/** A background loop the runtime owns: started once, stopped on shutdown. */
export interface BackgroundLoop {
  readonly name: string;
  /** Stops the timer and waits for a pass in flight. */
  stop(): Promise<void>;
}

/**
 * Runs `pass` every `intervalMs`, never two passes at once, until stopped. A failed pass is
 * logged and the next one runs on schedule. The timer does not keep the process alive.
 */
export function startIntervalLoop(
  name: string,
  intervalMs: number,
  pass: () => Promise<string | undefined>,
  logger: Logger,
): BackgroundLoop {
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    running = pass()
      .then((summary) => {
        if (summary) logger.info(`${name}: ${summary}`);
      })
      .catch((err: Error) => logger.warn(`${name} pass failed`, { error: err.message }))
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  timer.unref();
  return {
    name,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
