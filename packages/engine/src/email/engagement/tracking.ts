import { randomUUID } from "node:crypto";
import {
  type EmailSend,
  emailLinkWithSend,
  emailSendById,
  findEventByIdempotencyKey,
  insertEmailEventOnce,
  recordEngagement,
} from "@hogsend/db";
import type { ContactEvents } from "../../ingest/ingest-service.js";
import type { HogsendClient } from "../../platform/client.js";
import { emitEmailEvent, isUuid } from "../email-event.js";
import { isBotUserAgent } from "./bots.js";

/** What a pixel fetch or a click tells us about who made it. */
export interface TrackingHit {
  userAgent: string | undefined;
  at?: Date;
}

// Enough to tell clients apart; a longer header is somebody's garbage.
const MAX_USER_AGENT = 512;

/**
 * Records a hit on a send's open pixel. Every hit becomes an email_events row; a person's hits
 * (not a bot's) count on the send, and the first of them emits `email.opened` once per send.
 * Bots are recorded (`is_bot`) but never counted, never emitted and never claim the first open.
 * Unknown or malformed ids are ignored without a trace, so the pixel never tells ids apart.
 */
export async function recordOpen(
  client: HogsendClient,
  sendId: string,
  hit: TrackingHit,
  events: ContactEvents,
): Promise<void> {
  if (!isUuid(sendId)) return;
  const { db } = client.db;
  const send = await emailSendById(db, sendId);
  if (!send) return;
  const at = hit.at ?? new Date();
  const bot = isBotUserAgent(hit.userAgent);
  const { first } = await db.transaction(async (tx) => {
    await insertEmailEventOnce(tx, {
      tenantId: send.tenantId,
      sendId: send.id,
      type: "opened",
      // One row per fetch: opens are counted, not deduplicated.
      dedupeKey: `open:${send.id}:${randomUUID()}`,
      userAgent: hit.userAgent?.slice(0, MAX_USER_AGENT) ?? null,
      isBot: bot,
      occurredAt: at,
    });
    // A bot's fetch must not claim the first open: the person's later open would go unreported.
    return bot ? { first: false } : recordEngagement(tx, send.id, "opened", at);
  });
  if (bot) return;
  await emitFirstEngagement(client, send, { name: "email.opened", first, at, events });
}

/**
 * Resolves a tracked link to the URL it stands for and records the click: every hit becomes an
 * email_events row, a person's clicks count on the send, and the send's first human click emits
 * `email.clicked` once (a bot's click is recorded, not counted). Undefined for an unknown or
 * malformed id: the caller sends the visitor home, never to a URL from the request. A failure to
 * record is logged, not fatal: the person still reaches their link.
 */
export async function followTrackedLink(
  client: HogsendClient,
  linkId: string,
  hit: TrackingHit,
  events: ContactEvents,
): Promise<string | undefined> {
  if (!isUuid(linkId)) return undefined;
  const { db } = client.db;
  const found = await emailLinkWithSend(db, linkId);
  if (!found || !isHttpUrl(found.link.url)) return undefined;
  const { link, send } = found;
  try {
    const at = hit.at ?? new Date();
    const bot = isBotUserAgent(hit.userAgent);
    const { first } = await db.transaction(async (tx) => {
      await insertEmailEventOnce(tx, {
        tenantId: send.tenantId,
        sendId: send.id,
        type: "clicked",
        dedupeKey: `click:${link.id}:${randomUUID()}`,
        linkId: link.id,
        url: link.url,
        userAgent: hit.userAgent?.slice(0, MAX_USER_AGENT) ?? null,
        isBot: bot,
        occurredAt: at,
      });
      return bot ? { first: false } : recordEngagement(tx, send.id, "clicked", at);
    });
    if (!bot) {
      await emitFirstEngagement(client, send, {
        name: "email.clicked",
        extra: { url: link.url, linkId: link.id },
        first,
        at,
        events,
      });
    }
  } catch (err) {
    client.logger.warn("click not recorded", { linkId: link.id, error: (err as Error).message });
  }
  return link.url;
}

/**
 * Emits `email.opened` / `email.clicked` once per send, keyed `<name>:<sendId>`. The first human
 * hit emits; a later one emits only when that event was never stored (a crash between the commit
 * and the emit), so the journeys hear about the engagement exactly once either way.
 */
async function emitFirstEngagement(
  client: HogsendClient,
  send: EmailSend,
  signal: {
    name: "email.opened" | "email.clicked";
    extra?: Record<string, unknown>;
    first: boolean;
    at: Date;
    events: ContactEvents;
  },
): Promise<void> {
  if (!send.contactId) return;
  const idempotencyKey = `${signal.name}:${send.id}`;
  if (!signal.first && (await findEventByIdempotencyKey(client.db.db, idempotencyKey))) return;
  await emitEmailEvent(
    signal.events,
    send.contactId,
    {
      name: signal.name,
      properties: {
        sendId: send.id,
        ...signal.extra,
        template: send.template,
        category: send.category,
        ...(send.journeyId ? { journeyId: send.journeyId } : {}),
      },
      occurredAt: signal.at,
    },
    idempotencyKey,
  );
}

// The mailer only stores http(s) links; anything else in the table is not ours to redirect to.
function isHttpUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}
