import { and, desc, eq, ilike, isNull, or, sql } from "drizzle-orm";
import type { Queryable } from "../client.js";
import { type Contact, contacts } from "../schema/contacts.js";
import type { JourneyState } from "../schema/journeys.js";
import type { EmailPreferences } from "../schema/preferences.js";
import { listEvents, type StoredEvent } from "./admin-events.js";
import { listJourneyStates } from "./admin-journeys.js";
import { getEmailPreferences } from "./journeys.js";
import { afterCursor, cursorText, type KeysetCursor, type Page, toPage } from "./pagination.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** LIKE's wildcards in user input match themselves. */
const escapeLike = (term: string) => term.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The text the search matches a substring of: the email and the user id, joined. Migration 0015
 * indexes exactly this expression with pg_trgm (where it may), so keep the two the same.
 */
const contactSearchText = sql`(coalesce(${contacts.email}, '') || ' ' || coalesce(${contacts.externalId}, ''))`;

/** Contacts whose email or user id contains `search` (any case), or whose anonymous or contact id it is. */
export function contactSearchCondition(search: string) {
  const like = `%${escapeLike(search)}%`;
  return or(
    ilike(contactSearchText, like),
    eq(contacts.anonymousId, search),
    UUID.test(search) ? eq(contacts.id, search) : undefined,
  );
}

/**
 * Live contacts, most recently seen first, keyset-paginated on (last_seen_at, id). `search`
 * matches a substring of the email or user id (any case), or an anonymous id or contact id exactly;
 * `property` one property's value, by containment (`properties @> {key: value}`).
 */
export async function listContacts(
  db: Queryable,
  options: {
    limit: number;
    cursor?: KeysetCursor | undefined;
    search?: string | undefined;
    /** Only contacts whose property `key` equals `value` (JSON equality: 3 is not "3"). */
    property?: { key: string; value: unknown } | undefined;
  },
): Promise<Page<Contact>> {
  const search = options.search?.trim();
  const { property } = options;
  const rows = await db
    .select({ row: contacts, cursorAt: cursorText(contacts.lastSeenAt) })
    .from(contacts)
    .where(
      and(
        isNull(contacts.deletedAt),
        search ? contactSearchCondition(search) : undefined,
        property
          ? sql`${contacts.properties} @> ${JSON.stringify({ [property.key]: property.value })}::jsonb`
          : undefined,
        afterCursor(contacts.lastSeenAt, contacts.id, options.cursor),
      ),
    )
    .orderBy(desc(contacts.lastSeenAt), desc(contacts.id))
    .limit(options.limit + 1);
  return toPage(rows, options.limit);
}

export interface ContactTimeline {
  /** Newest first; page on with listEvents and `nextCursor`. */
  events: Page<StoredEvent>;
  journeyStates: Page<JourneyState>;
  preferences: EmailPreferences | undefined;
}

/** What happened to one contact: one query per part, keyed on its canonical user key (its id). */
export async function contactTimeline(
  db: Queryable,
  contactId: string,
  options: { eventLimit: number; stateLimit: number },
): Promise<ContactTimeline> {
  const [events, journeyStates, preferences] = await Promise.all([
    listEvents(db, { userKey: contactId, limit: options.eventLimit }),
    listJourneyStates(db, { userKey: contactId, limit: options.stateLimit }),
    getEmailPreferences(db, contactId),
  ]);
  return { events, journeyStates, preferences };
}
