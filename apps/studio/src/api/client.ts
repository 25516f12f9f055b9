import createClient from "openapi-fetch";
import type { components, paths } from "./openapi.gen.js";

export type Schemas = components["schemas"];

/** Typed calls to the api, same origin, with the Studio's session cookie. */
export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: "same-origin" });

/** An API failure as the Studio shows it: the api's message, code and request id. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string,
    readonly requestId: string | undefined,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

interface Envelope {
  error?: { code?: string; message?: string; requestId?: string; details?: unknown };
}

/** Turns any error body (the api's envelope, better-auth's, or none) into an ApiError. */
export function toApiError(response: Response, body: unknown): ApiError {
  const envelope = (body ?? {}) as Envelope & { message?: string; code?: string };
  const requestId = envelope.error?.requestId ?? response.headers.get("x-request-id") ?? undefined;
  const message =
    envelope.error?.message ?? envelope.message ?? `${response.status} ${response.statusText || "error"}`;
  const code = envelope.error?.code ?? envelope.code ?? `HTTP_${response.status}`;
  return new ApiError(response.status, message, code, requestId, envelope.error?.details);
}

/** Awaits an openapi-fetch call: its data, or an ApiError. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw toApiError(response, error);
  return data as T;
}
