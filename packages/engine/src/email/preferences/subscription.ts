/** What a contact's email preferences say, as the decisions below read them. */
export interface PreferenceFacts {
  unsubscribedAll: boolean;
  optedOutCategories: string[];
  /** Bounced or complained. */
  suppressed: boolean;
  suppressedReason?: string | null | undefined;
}

/**
 * Whether a journey should still consider this contact reachable for `category` mail
 * (`ctx.guard.isSubscribed`): not suppressed, not unsubscribed from everything, not opted out of
 * the category. No preferences row means subscribed. Shared by the runtime and the test harness.
 */
export function isSubscribed(prefs: PreferenceFacts | undefined, category: string | undefined): boolean {
  if (!prefs) return true;
  if (prefs.unsubscribedAll || prefs.suppressed) return false;
  return category === undefined || !prefs.optedOutCategories.includes(category);
}

/**
 * Why the contact's preferences stop an email of `category`, or null. Suppression (bounces,
 * complaints) stops everything, transactional mail included: mail to a dead or complaining
 * address hurts the sender's reputation whatever it says. Unsubscribes and category opt-outs
 * apply to everything but transactional mail.
 */
export function preferenceBlock(prefs: PreferenceFacts | undefined, category: string): string | null {
  if (prefs?.suppressed) return `suppressed: ${prefs.suppressedReason ?? "bounced or complained"}`;
  if (category === "transactional") return null;
  if (prefs?.unsubscribedAll) return "unsubscribed from all email";
  if (prefs?.optedOutCategories.includes(category)) return `opted out of ${category} email`;
  return null;
}
