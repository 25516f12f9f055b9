import { AppError } from "@hogsend/core";
import type { EnqueueFacts, JourneyStatus } from "@hogsend/db";
import { type PreferenceFacts, preferenceBlock } from "../preferences/subscription.js";

const DAY_MS = 86_400_000;

/**
 * What the send decision looks at, gathered by the caller: from the database by the mailer
 * (`readEnqueueFacts`, `enqueueSendFacts`), from memory by the journey test harness. Keeping the decision pure is
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
  /** The recipient's address was erased at its owner's request: only transactional mail reaches it. */
  erased?: boolean | undefined;
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
  if (facts.erased && facts.category !== "transactional")
    return "the address was erased at its owner's request";
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

/** What `readEnqueueFacts` found, as the decision's facts for this send. */
export function enqueueSendFacts(
  facts: EnqueueFacts,
  send: {
    category: string;
    /** EMAIL_FREQUENCY_CAP_PER_DAY; undefined: no cap. */
    frequencyCapPerDay?: number | undefined;
    journey?: { id: string; minGapMs?: number | undefined } | undefined;
    now: Date;
  },
): SendFacts {
  const marketing = send.category !== "transactional";
  const minGapMs = marketing ? send.journey?.minGapMs : undefined;
  return {
    category: send.category,
    preferences: facts.preferences,
    erased: facts.erased,
    enrollment: facts.enrollment as SendFacts["enrollment"],
    ...(marketing && send.frequencyCapPerDay !== undefined
      ? { frequencyCap: { perDay: send.frequencyCapPerDay, sentInLastDay: facts.sentInLastDay } }
      : {}),
    ...(send.journey && minGapMs
      ? { journeyGap: { journeyId: send.journey.id, minGapMs, lastSentAt: facts.lastJourneySentAt } }
      : {}),
    now: send.now,
  };
}

/** When the frequency cap's day began for a send at `now`. */
export const capWindowStart = (now: Date) => new Date(now.getTime() - DAY_MS);

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
