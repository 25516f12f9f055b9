import { AsyncLocalStorage } from "node:async_hooks";

/** What the transport saw for one SDK call: the response (for headers) or the thrown error. */
export interface CallCapture {
  response?: Response;
  error?: unknown;
}

export type CapturedCall<T> =
  | { ok: true; value: T; capture: CallCapture }
  | { ok: false; error: unknown; capture: CallCapture };

/**
 * The Postmark SDK turns HTTP failures into errors that drop the response headers and blur a
 * timeout into a generic message. A fetch wrapper records both for the call it runs under, so
 * `Retry-After` can be honoured and a timeout told apart from a refused connection. Async
 * context keeps concurrent calls on one client from seeing each other's responses.
 */
export function createCapturingFetch() {
  const calls = new AsyncLocalStorage<CallCapture>();
  const capturingFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const capture = calls.getStore();
    try {
      const response = await fetch(input, init);
      if (capture) capture.response = response;
      return response;
    } catch (err) {
      if (capture) capture.error = err;
      throw err;
    }
  };
  /** Runs `call` with a fresh capture; hands back the settled call together with what was captured. */
  const run = async <T>(call: () => Promise<T>): Promise<CapturedCall<T>> => {
    const capture: CallCapture = {};
    try {
      return { ok: true, value: await calls.run(capture, call), capture };
    } catch (error) {
      return { ok: false, error, capture };
    }
  };
  return { fetch: capturingFetch, run };
}
