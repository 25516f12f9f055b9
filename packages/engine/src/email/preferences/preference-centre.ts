import {
  type Contact,
  contactById,
  type EmailPreferences,
  getEmailPreferences,
  lockEmailPreferences,
  sentEmailCategories,
  updateEmailPreferences,
} from "@hogsend/db";
import type { EmailTokenClaims } from "@hogsend/email";
import type { ContactEvents } from "../../ingest/ingest-service.js";
import type { HogsendClient } from "../../platform/client.js";
import { emitEmailEvent } from "../email-event.js";
import { emitUnsubscribed, targetKey, targetProperties, type UnsubscribeTarget } from "./unsubscribe.js";

/** Transactional mail (receipts, password resets) always goes out: never a choice on the page. */
const ALWAYS_SENT = "transactional";

export interface PreferenceCentreState {
  contact: Contact;
  /** What the centre offers, in display order. */
  categories: string[];
  unsubscribedAll: boolean;
  optedOutCategories: string[];
  /** Bounced or complained: only an operator can lift it. */
  suppressed: boolean;
}

/**
 * The categories a contact can choose from: the operator's list when given, else the categories
 * of mail they were sent; plus whatever they already opted out of (so they can opt back in) and
 * the category of the email they came from.
 */
export async function preferenceCategories(
  client: HogsendClient,
  contactId: string,
  optedOut: string[],
  options: { configured?: string[] | undefined; tokenCategory?: string | undefined },
): Promise<string[]> {
  const base = options.configured ?? (await sentEmailCategories(client.db.db, contactId));
  const all = [...base, ...(options.tokenCategory ? [options.tokenCategory] : []), ...optedOut];
  return [...new Set(all.map((c) => c.trim()).filter((c) => c !== "" && c !== ALWAYS_SENT))];
}

/** What the preference centre shows; undefined when the contact no longer exists. */
export async function loadPreferenceCentre(
  client: HogsendClient,
  claims: EmailTokenClaims,
  configured: string[] | undefined,
): Promise<PreferenceCentreState | undefined> {
  const contact = await contactById(client.db.db, claims.contactId);
  if (!contact || contact.deletedAt) return undefined;
  const prefs = await getEmailPreferences(client.db.db, contact.id);
  return stateOf(
    contact,
    prefs,
    await preferenceCategories(client, contact.id, prefs?.optedOutCategories ?? [], {
      configured,
      tokenCategory: claims.category,
    }),
  );
}

export interface PreferencesSubmission {
  /** Categories left checked: the ones the contact wants. */
  subscribed: string[];
  /** Categories the submitted form showed; undefined means all of the current list. */
  shown: string[] | undefined;
  unsubscribeAll: boolean;
}

export type SavePreferencesOutcome =
  | { status: "no_contact" }
  | { status: "unknown_categories"; categories: string[] }
  | {
      status: "saved";
      state: PreferenceCentreState;
      unsubscribed: UnsubscribeTarget[];
      resubscribed: UnsubscribeTarget[];
    };

/**
 * Stores what the preference centre form says. Only the categories the form showed change (a
 * category that appeared since the page was rendered is not opted out by its missing checkbox);
 * a category outside the offered list refuses the whole submission. Each new unsubscribe emits
 * `email.unsubscribed`, each lifted one `email.resubscribed`.
 */
export async function savePreferences(
  client: HogsendClient,
  claims: EmailTokenClaims,
  submission: PreferencesSubmission,
  options: { configured: string[] | undefined; events: ContactEvents; at?: Date },
): Promise<SavePreferencesOutcome> {
  const { db } = client.db;
  const at = options.at ?? new Date();
  const contact = await contactById(db, claims.contactId);
  if (!contact || contact.deletedAt) return { status: "no_contact" };
  const before = await getEmailPreferences(db, contact.id);
  const categories = await preferenceCategories(client, contact.id, before?.optedOutCategories ?? [], {
    configured: options.configured,
    tokenCategory: claims.category,
  });
  const shown = submission.shown ?? categories;
  const unknown = [...new Set([...shown, ...submission.subscribed])].filter((c) => !categories.includes(c));
  if (unknown.length > 0) return { status: "unknown_categories", categories: unknown };

  const saved = await db.transaction(async (tx) => {
    const current = await lockEmailPreferences(tx, contact.id);
    if (!current) return undefined;
    const wanted = new Set(submission.subscribed);
    const optedOut = [
      ...current.optedOutCategories.filter((c) => !shown.includes(c)),
      ...shown.filter((c) => !wanted.has(c)),
    ];
    const unsubscribed: UnsubscribeTarget[] = [];
    const resubscribed: UnsubscribeTarget[] = [];
    if (submission.unsubscribeAll && !current.unsubscribedAll) unsubscribed.push({ scope: "all" });
    if (!submission.unsubscribeAll && current.unsubscribedAll) resubscribed.push({ scope: "all" });
    for (const category of optedOut)
      if (!current.optedOutCategories.includes(category)) unsubscribed.push({ scope: "category", category });
    for (const category of current.optedOutCategories)
      if (!optedOut.includes(category)) resubscribed.push({ scope: "category", category });
    if (unsubscribed.length === 0 && resubscribed.length === 0) {
      return { preferences: current, unsubscribed, resubscribed };
    }
    const preferences = await updateEmailPreferences(tx, contact.id, {
      unsubscribedAll: submission.unsubscribeAll,
      optedOutCategories: optedOut,
    });
    return { preferences, unsubscribed, resubscribed };
  });
  if (!saved) return { status: "no_contact" };

  const changedAt = saved.preferences.updatedAt;
  for (const target of saved.unsubscribed) {
    await emitUnsubscribed(client, contact.id, target, {
      changedAt,
      via: "preference-centre",
      events: options.events,
      at,
    });
  }
  for (const target of saved.resubscribed) {
    await emitEmailEvent(
      options.events,
      contact.id,
      { name: "email.resubscribed", properties: { ...targetProperties(target) }, occurredAt: at },
      `email.resubscribed:${contact.id}:${targetKey(target)}:${changedAt.toISOString()}`,
    );
  }
  return {
    status: "saved",
    state: stateOf(contact, saved.preferences, categories),
    unsubscribed: saved.unsubscribed,
    resubscribed: saved.resubscribed,
  };
}

function stateOf(
  contact: Contact,
  prefs: EmailPreferences | undefined,
  categories: string[],
): PreferenceCentreState {
  return {
    contact,
    categories,
    unsubscribedAll: prefs?.unsubscribedAll ?? false,
    optedOutCategories: prefs?.optedOutCategories ?? [],
    suppressed: prefs?.suppressed ?? false,
  };
}
