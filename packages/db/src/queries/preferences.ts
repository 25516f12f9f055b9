import { sql } from "drizzle-orm";
import type { Queryable } from "../client.js";
import { type EmailPreferences, emailPreferences } from "../schema/preferences.js";

export interface PreferencesPatch {
  unsubscribedAll?: boolean;
  optedOutCategories?: string[];
  /** false lifts a suppression (an operator's decision) and resets the bounce count. */
  suppressed?: boolean;
  suppressedReason?: string | null;
}

/** Creates or updates a contact's preferences row; no row means subscribed to everything. */
export async function updateEmailPreferences(
  db: Queryable,
  contactId: string,
  patch: PreferencesPatch,
): Promise<EmailPreferences> {
  const set: Record<string, unknown> = { updatedAt: sql`now()` };
  if (patch.unsubscribedAll !== undefined) set.unsubscribedAll = patch.unsubscribedAll;
  if (patch.optedOutCategories !== undefined) set.optedOutCategories = [...new Set(patch.optedOutCategories)];
  if (patch.suppressed === true) {
    set.suppressed = true;
    set.suppressedReason = patch.suppressedReason ?? "suppressed by an operator";
    set.suppressedAt = sql`now()`;
  } else if (patch.suppressed === false) {
    set.suppressed = false;
    set.suppressedReason = null;
    set.suppressedAt = null;
    set.bounceCount = 0;
  }
  const [row] = await db
    .insert(emailPreferences)
    .values({ contactId, ...(set as Partial<typeof emailPreferences.$inferInsert>) })
    .onConflictDoUpdate({ target: emailPreferences.contactId, set })
    .returning();
  if (!row) throw new Error(`preferences of ${contactId} could not be written`);
  return row;
}

/**
 * Counts a permanent bounce and suppresses the contact once the count reaches `threshold`, in one
 * statement, so two webhooks racing cannot both miss the threshold.
 */
export async function recordPermanentBounce(
  db: Queryable,
  contactId: string,
  threshold: number,
  reason: string,
): Promise<EmailPreferences> {
  const [row] = await db
    .insert(emailPreferences)
    .values({
      contactId,
      bounceCount: 1,
      suppressed: threshold <= 1,
      suppressedReason: threshold <= 1 ? `bounced: ${reason}` : null,
      suppressedAt: threshold <= 1 ? sql`now()` : null,
    })
    .onConflictDoUpdate({
      target: emailPreferences.contactId,
      set: {
        bounceCount: sql`${emailPreferences.bounceCount} + 1`,
        suppressed: sql`${emailPreferences.suppressed} or ${emailPreferences.bounceCount} + 1 >= ${threshold}`,
        suppressedReason: sql`case when ${emailPreferences.suppressed} then ${emailPreferences.suppressedReason}
          when ${emailPreferences.bounceCount} + 1 >= ${threshold} then ${`bounced ${threshold} times: ${reason}`}
          else ${emailPreferences.suppressedReason} end`,
        suppressedAt: sql`case when not ${emailPreferences.suppressed} and ${emailPreferences.bounceCount} + 1 >= ${threshold}
          then now() else ${emailPreferences.suppressedAt} end`,
        updatedAt: sql`now()`,
      },
    })
    .returning();
  if (!row) throw new Error(`preferences of ${contactId} could not be written`);
  return row;
}
