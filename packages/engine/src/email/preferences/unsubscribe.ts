import {
  contactById,
  type EmailPreferences,
  type EmailSend,
  emailSendById,
  getEmailPreferences,
  insertEmailEventOnce,
  lockEmailPreferences,
  recordEngagement,
  updateEmailPreferences,
} from "@hogsend/db";
import { EMAIL_TOKEN_TTL_MS, type EmailTokenClaims, signEmailToken } from "@hogsend/email";
import type { ContactEvents } from "../../ingest/ingest-service.js";
import type { HogsendClient } from "../../platform/client.js";
import { emitEmailEvent, isUuid } from "../email-event.js";

/** What an unsubscribe stops: one category of mail, or all of it (transactional mail aside). */
export type UnsubscribeTarget = { scope: "all" } | { scope: "category"; category: string };

/** How the person asked: their mailbox's button (RFC 8058), our confirmation page, or the centre. */
export type UnsubscribeVia = "one-click" | "unsubscribe-page" | "preference-centre";

export type UnsubscribeOutcome =
  /** The contact is gone (deleted): there is nothing left to unsubscribe. */
  | { status: "no_contact" }
  /** `changed` is false when the contact was already unsubscribed from the target. */
  | { status: "done"; changed: boolean; preferences: EmailPreferences };

/** `all` or `category:<name>`: the part of an idempotency or dedupe key that names the target. */
export function targetKey(target: UnsubscribeTarget): string {
  return target.scope === "all" ? "all" : `category:${target.category}`;
}

/**
 * Stores an unsubscribe a signed token asked for, then tells the journeys. The preferences row is
 * locked while it is read and written, so a repeated or concurrent request finds the change made
 * and changes, records and emits nothing: only the request that changed the state emits
 * `email.unsubscribed`. When the token names the send it came from, that send is stamped
 * `unsubscribed_at` and gets an `unsubscribed` email event, in the same transaction.
 */
export async function unsubscribeContact(
  client: HogsendClient,
  claims: EmailTokenClaims,
  target: UnsubscribeTarget,
  options: { via: UnsubscribeVia; events: ContactEvents; at?: Date },
): Promise<UnsubscribeOutcome> {
  const { db } = client.db;
  const at = options.at ?? new Date();
  const send = await sendOfToken(client, claims);
  const outcome = await db.transaction(async (tx) => {
    const current = await lockEmailPreferences(tx, claims.contactId);
    if (!current) return { status: "no_contact" as const };
    const changed =
      target.scope === "all"
        ? !current.unsubscribedAll
        : !current.optedOutCategories.includes(target.category);
    if (!changed) return { status: "done" as const, changed, preferences: current };
    const preferences = await updateEmailPreferences(
      tx,
      claims.contactId,
      target.scope === "all"
        ? { unsubscribedAll: true }
        : { optedOutCategories: [...current.optedOutCategories, target.category] },
    );
    if (send) {
      await recordEngagement(tx, send.id, "unsubscribed", at);
      await insertEmailEventOnce(tx, {
        tenantId: send.tenantId,
        sendId: send.id,
        type: "unsubscribed",
        dedupeKey: `unsubscribe:${send.id}:${targetKey(target)}`,
        occurredAt: at,
        data: { ...targetProperties(target), via: options.via },
      });
    }
    return { status: "done" as const, changed, preferences };
  });
  if (outcome.status === "done" && outcome.changed) {
    await emitUnsubscribed(client, claims.contactId, target, {
      changedAt: outcome.preferences.updatedAt,
      via: options.via,
      send,
      events: options.events,
      at,
    });
  }
  return outcome;
}

/**
 * Emits `email.unsubscribed` for one change of state. The key names the contact, the target and
 * the moment the preferences row changed: a replayed request changes nothing and so emits
 * nothing, while unsubscribing again after re-subscribing is a new change with its own key.
 */
export async function emitUnsubscribed(
  _client: HogsendClient,
  contactId: string,
  target: UnsubscribeTarget,
  options: {
    changedAt: Date;
    via: UnsubscribeVia;
    send?: EmailSend | undefined;
    events: ContactEvents;
    at: Date;
  },
): Promise<void> {
  await emitEmailEvent(
    options.events,
    contactId,
    {
      name: "email.unsubscribed",
      properties: {
        ...targetProperties(target),
        via: options.via,
        ...(options.send ? { sendId: options.send.id, template: options.send.template } : {}),
        ...(options.send?.journeyId ? { journeyId: options.send.journeyId } : {}),
      },
      occurredAt: options.at,
    },
    `email.unsubscribed:${contactId}:${targetKey(target)}:${options.changedAt.toISOString()}`,
  );
}

export function targetProperties(target: UnsubscribeTarget): { scope: string; category?: string } {
  return target.scope === "all" ? { scope: "all" } : { scope: "category", category: target.category };
}

/** The send a token came from, when it still exists and belongs to the token's contact. */
export async function sendOfToken(
  client: HogsendClient,
  claims: EmailTokenClaims,
): Promise<EmailSend | undefined> {
  if (!isUuid(claims.sendId)) return undefined;
  const send = await emailSendById(client.db.db, claims.sendId);
  return send && send.contactId === claims.contactId ? send : undefined;
}

/** What the unsubscribe page shows before anything changes; undefined when the contact is gone. */
export async function unsubscribeState(
  client: HogsendClient,
  claims: EmailTokenClaims,
): Promise<{ email: string | null; unsubscribedAll: boolean; optedOutCategories: string[] } | undefined> {
  const contact = await contactById(client.db.db, claims.contactId);
  if (!contact || contact.deletedAt) return undefined;
  const prefs = await getEmailPreferences(client.db.db, contact.id);
  return {
    email: contact.email,
    unsubscribedAll: prefs?.unsubscribedAll ?? false,
    optedOutCategories: prefs?.optedOutCategories ?? [],
  };
}

/**
 * A preference-centre token for the contact an unsubscribe token names, for the link on the
 * unsubscribe page. It expires when the token it came from does: a link never extends its own life.
 */
export function preferencesTokenFor(claims: EmailTokenClaims, secret: string, now = new Date()): string {
  const expiresAt = new Date(
    Math.min(now.getTime() + EMAIL_TOKEN_TTL_MS.preferences, claims.expiresAt.getTime()),
  );
  return signEmailToken(
    {
      contactId: claims.contactId,
      purpose: "preferences",
      ...(claims.category === undefined ? {} : { category: claims.category }),
      ...(claims.sendId === undefined ? {} : { sendId: claims.sendId }),
      expiresAt,
    },
    secret,
    now,
  );
}
