import { and, eq, isNull, sql } from "drizzle-orm";
import type { Queryable } from "../client.js";
import { type Contact, contacts } from "../schema/contacts.js";

export interface ContactIdentity {
  externalId?: string | undefined;
  email?: string | undefined;
  anonymousId?: string | undefined;
}

/** The live contact for an identity, preferring the product's user id, then email, then anonymous id. */
export async function findContact(db: Queryable, identity: ContactIdentity): Promise<Contact | undefined> {
  const live = isNull(contacts.deletedAt);
  const lookups = [
    identity.externalId ? eq(contacts.externalId, identity.externalId) : undefined,
    identity.email ? sql`lower(${contacts.email}) = lower(${identity.email})` : undefined,
    identity.anonymousId ? eq(contacts.anonymousId, identity.anonymousId) : undefined,
  ];
  for (const match of lookups) {
    if (!match) continue;
    const [row] = await db
      .select()
      .from(contacts)
      // coalesce matches the unique indexes' expression, so each lookup uses its index.
      .where(and(live, sql`coalesce(${contacts.tenantId}, '') = ''`, match))
      .limit(1);
    if (row) return row;
  }
  return undefined;
}

export interface UpsertContactInput extends ContactIdentity {
  /** Merged into the contact's properties (shallow: top-level keys overwrite). */
  properties?: Record<string, unknown> | undefined;
  seenAt?: Date | undefined;
}

const UNIQUE_VIOLATION = "23505";
const isUniqueViolation = (err: unknown) =>
  (err as { code?: string }).code === UNIQUE_VIOLATION ||
  (err as { cause?: { code?: string } }).cause?.code === UNIQUE_VIOLATION;

/**
 * Finds or creates the contact for an identity and records what is new about it. Concurrent
 * first sightings of one identity meet at the partial unique indexes; the loser re-reads.
 */
export async function upsertContact(db: Queryable, input: UpsertContactInput): Promise<Contact> {
  const seenAt = input.seenAt ?? new Date();
  const properties = input.properties ?? {};
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await db.transaction(async (tx) => {
        const existing = await findContact(tx, input);
        if (!existing) {
          const [created] = await tx
            .insert(contacts)
            .values({
              externalId: input.externalId ?? null,
              email: input.email ?? null,
              anonymousId: input.anonymousId ?? null,
              properties,
              firstSeenAt: seenAt,
              lastSeenAt: seenAt,
            })
            .returning();
          if (!created) throw new Error("insert into contacts returned no row");
          return created;
        }
        const identity: Partial<Contact> = {};
        if (input.externalId && !existing.externalId) identity.externalId = input.externalId;
        if (input.email && existing.email?.toLowerCase() !== input.email.toLowerCase())
          identity.email = input.email;
        if (input.anonymousId && !existing.anonymousId) identity.anonymousId = input.anonymousId;
        const update = (withIdentity: boolean) =>
          tx
            .update(contacts)
            .set({
              ...(withIdentity ? identity : {}),
              properties: sql`${contacts.properties} || ${JSON.stringify(properties)}::jsonb`,
              lastSeenAt: sql`greatest(${contacts.lastSeenAt}, ${seenAt.toISOString()}::timestamptz)`,
              updatedAt: sql`now()`,
            })
            .where(eq(contacts.id, existing.id))
            .returning();
        try {
          const [updated] = await tx.transaction(() => update(true));
          if (updated) return updated;
        } catch (err) {
          // The new email (say) already belongs to another contact: keep identities as they are.
          if (!isUniqueViolation(err)) throw err;
        }
        const [updated] = await update(false);
        if (!updated) throw new Error(`contact ${existing.id} vanished during upsert`);
        return updated;
      });
    } catch (err) {
      if (!isUniqueViolation(err) || attempt === 2) throw err;
    }
  }
  throw new Error("unreachable");
}

export async function contactById(db: Queryable, id: string): Promise<Contact | undefined> {
  const [row] = await db.select().from(contacts).where(eq(contacts.id, id)).limit(1);
  return row;
}
