/** A contact's preferences as the send decision reads them; undefined when they never set any. */
export type PreferenceFacts =
  | {
      unsubscribedAll: boolean;
      optedOutCategories: string[];
      suppressed: boolean;
      suppressedReason: string | null;
    }
  | undefined;

/**
 * The preferences columns a send query selects beside its own (`p.contact_id is not null as
 * has_preferences, p.unsubscribed_all, p.opted_out_categories, p.suppressed, p.suppressed_reason`).
 */
export function preferencesFromRow(row: Record<string, unknown>): PreferenceFacts {
  if (!row.has_preferences) return undefined;
  return {
    unsubscribedAll: row.unsubscribed_all as boolean,
    optedOutCategories: (row.opted_out_categories ?? []) as string[],
    suppressed: row.suppressed as boolean,
    suppressedReason: row.suppressed_reason as string | null,
  };
}
