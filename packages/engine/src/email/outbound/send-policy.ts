import { AppError } from "@hogsend/core";
import {
  countMarketingSendsSince,
  getEmailPreferences,
  type JourneyStatus,
  latestJourneySend,
  type Queryable,
} from "@hogsend/db";
import { type PreferenceFacts, preferenceBlock } from "../preferences/subscription.js";

const DAY_MS = 86_400_000;

/**
 * What the send decision looks at, gathered by the caller: from the database by the mailer
 * (`gatherSendFacts`), from memory by the journey test harness. Keeping the decision pure is
 * what lets both agree.
 */
export interface SendFacts {
  category: string;
  /** The contact's preferences; undefined when they never set any. */
  preferences: PreferenceFacts | undefined;
  /** For a journey's send: its enrollment's status now (`gone` when the row is missing). */
  enrollment?: JourneyStatus | "gone" | undefined;
  /** EMAIL_FREQUENCY_CAP_PER_DAY and the contact's non-transactional sends in the last 24 h. */
  frequencyCap?: { perDay: number; sentInLastDay: number } | undefined;
  /** The journey's emailMinGap and when it last mailed this contact. */
  journeyGap?: { journeyId: string; minGapMs: number; lastSentAt: Date | undefined } | undefined;
  now: Date;
}

export type SendDecision = { status: "queued"; reason: null } | { status: "suppressed"; reason: string };

/**
 * Whether an email may go out, and why not. In order: an ended enrollment stops its journey's
 * mail; then the preferences (`preferenceBlock`); then, for all but transactional mail, the
 * frequency cap and the journey's minimum gap.
 */
export function decideSend(facts: SendFacts): SendDecision {
  const blocked = blockedReason(facts);
  return blocked ? { status: "suppressed", reason: blocked } : { status: "queued", reason: null };
}

function blockedReason(facts: SendFacts): string | null {
  // An exited or cancelled enrollment whose run has not stopped yet must not keep mailing.
  if (facts.enrollment !== undefined && facts.enrollment !== "active" && facts.enrollment !== "waiting")
    return `journey enrollment is ${facts.enrollment}`;
  const byPreferences = preferenceBlock(facts.preferences, facts.category);
  if (byPreferences || facts.category === "transactional") return byPreferences;
  const cap = facts.frequencyCap;
  if (cap && cap.sentInLastDay >= cap.perDay)
    return `frequency cap: ${cap.sentInLastDay} email(s) in the last 24 h (cap ${cap.perDay})`;
  const gap = facts.journeyGap;
  if (gap?.lastSentAt && facts.now.getTime() - gap.lastSentAt.getTime() < gap.minGapMs)
    return `journey minimum gap: last email from ${gap.journeyId} at ${gap.lastSentAt.toISOString()}`;
  return null;
}

export interface SendFactsQuery {
  contactId: string;
  category: string;
  /** Most non-transactional emails per contact in 24 h; undefined: no cap. */
  frequencyCapPerDay?: number | undefined;
  /** The journey sending, with its minimum gap between two of its emails to one contact. */
  journey?: { id: string; minGapMs?: number | undefined } | undefined;
  /** The enrollment's status, when the caller read it. */
  enrollment?: SendFacts["enrollment"];
  now?: Date;
}

/** Reads the facts `decideSend` needs; the counts only when a cap or gap can apply. */
export async function gatherSendFacts(db: Queryable, query: SendFactsQuery): Promise<SendFacts> {
  const now = query.now ?? new Date();
  const marketing = query.category !== "transactional";
  const capped = marketing && query.frequencyCapPerDay !== undefined;
  const gapped = marketing && !!query.journey?.minGapMs;
  const [prefs, sentInLastDay, last] = await Promise.all([
    getEmailPreferences(db, query.contactId),
    capped ? countMarketingSendsSince(db, query.contactId, new Date(now.getTime() - DAY_MS)) : 0,
    gapped && query.journey ? latestJourneySend(db, query.contactId, query.journey.id) : undefined,
  ]);
  return {
    category: query.category,
    preferences: prefs ?? undefined,
    enrollment: query.enrollment,
    ...(capped && query.frequencyCapPerDay !== undefined
      ? { frequencyCap: { perDay: query.frequencyCapPerDay, sentInLastDay } }
      : {}),
    ...(gapped && query.journey?.minGapMs
      ? {
          journeyGap: {
            journeyId: query.journey.id,
            minGapMs: query.journey.minGapMs,
            lastSentAt: last?.createdAt,
          },
        }
      : {}),
    now,
  };
}

/** A template's category may be narrowed by the caller, but transactional is the template's call. */
export function categoryOf(templateCategory: string, requested: string | undefined): string {
  if (requested === undefined || requested === templateCategory) return templateCategory;
  if (templateCategory === "transactional" || requested === "transactional") {
    throw new AppError(
      "VALIDATION_FAILED",
      "category: whether an email is transactional is fixed by its template",
      {
        details: {
          fields: [
            {
              field: "category",
              message: `Template category is ${templateCategory}; it cannot change to or from transactional`,
            },
          ],
        },
      },
    );
  }
  return requested;
}
