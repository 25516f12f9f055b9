import type { z } from "zod";
import type { Env } from "../env.js";
import type { EventInput } from "../ingest/event-input.js";

/** How a source proves a request is its own. Both fail closed when their secret is unset. */
export type WebhookAuth =
  | {
      /** The secret itself travels in a header (PostHog's webhook destinations). */
      kind: "shared-secret";
      header: string;
      secret: (env: Env) => string | undefined;
      /** Named in the error when the secret is unset. */
      secretEnv: string;
    }
  | {
      /** An HMAC-SHA256 of the raw body, hex or base64, optionally behind a prefix like `sha256=`. */
      kind: "hmac-sha256";
      header: string;
      secret: (env: Env) => string | undefined;
      secretEnv: string;
      encoding: "hex" | "base64";
      prefix?: string;
    };

/** One transformed item: an event to ingest, or the reason it is dropped. */
export type WebhookItem = { event: EventInput } | { skip: string };

export interface WebhookSource<S extends z.ZodType = z.ZodType> {
  /** Served at POST /v1/webhooks/<id>; events are stored with source `webhook:<id>`. */
  id: string;
  auth: WebhookAuth;
  /**
   * Whether the emails this source sends are the sender's verified word (default false). An
   * untrusted source's email fills a contact that has none but never replaces one: a signature
   * proves who delivered the payload, not who wrote it (anyone holding PostHog's public project
   * key can set any person's email). Set true for a source of your own backend's data.
   */
  trustsEmail?: boolean;
  /** Validates the parsed JSON body; a failure is a 400 naming the fields, and nothing is stored. */
  schema: S;
  /** Maps a valid payload to events (set idempotencyKey from the sender's id so redeliveries dedupe). */
  transform(payload: z.output<S>): WebhookItem[];
}

/** Declares a webhook source; register it in the app's content to serve it. */
export function defineWebhookSource<S extends z.ZodType>(source: WebhookSource<S>): WebhookSource<S> {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(source.id)) {
    throw new Error(
      `webhook source id ${JSON.stringify(source.id)} must be lowercase letters, digits and dashes`,
    );
  }
  return source;
}
