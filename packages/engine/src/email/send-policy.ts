import {
  countMarketingSendsSince,
  type EmailPreferences,
  getEmailPreferences,
  latestJourneySend,
  type Queryable,
} from "@hogsend/db";

const DAY_MS = 86_400_000;

export interface SendPolicyInput {
  contactId: string;
  category: string;
  /** Most non-transactional emails per contact in 24 h; undefined: no cap. */
  frequencyCapPerDay?: number | undefined;
  /** The journey sending, with its minimum gap between two of its emails to one contact. */
  journey?: { id: string; minGapMs?: number | undefined } | undefined;
  now?: Date;
}

/**
 * Why this email must not go out, or null when it may. Suppression (bounces, complaints) stops
 * everything, transactional mail included: mail to a dead or complaining address hurts the
 * sender's reputation whatever it says. Unsubscribes, category opt-outs, the cap and the journey
 * gap apply to everything but transactional mail.
 */
export async function sendBlockedReason(db: Queryable, input: SendPolicyInput): Promise<string | null> {
  const prefs: EmailPreferences | undefined = await getEmailPreferences(db, input.contactId);
  if (prefs?.suppressed) return `suppressed: ${prefs.suppressedReason ?? "bounced or complained"}`;
  if (input.category === "transactional") return null;
  if (prefs?.unsubscribedAll) return "unsubscribed from all email";
  if (prefs?.optedOutCategories.includes(input.category)) return `opted out of ${input.category} email`;
  const now = input.now ?? new Date();
  if (input.frequencyCapPerDay !== undefined) {
    const recent = await countMarketingSendsSince(db, input.contactId, new Date(now.getTime() - DAY_MS));
    if (recent >= input.frequencyCapPerDay)
      return `frequency cap: ${recent} email(s) in the last 24 h (cap ${input.frequencyCapPerDay})`;
  }
  if (input.journey?.minGapMs) {
    const last = await latestJourneySend(db, input.contactId, input.journey.id);
    if (last && now.getTime() - last.createdAt.getTime() < input.journey.minGapMs)
      return `journey minimum gap: last email from ${input.journey.id} at ${last.createdAt.toISOString()}`;
  }
  return null;
}
