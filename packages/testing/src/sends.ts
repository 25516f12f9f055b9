import { parseDuration } from "@hogsend/core";
import { getTemplate, parseTemplateProps } from "@hogsend/email";
import {
  categoryOf,
  decideSend,
  type JourneyEmail,
  type SendDecision,
  type SendFacts,
} from "@hogsend/engine";
import type { Run, World } from "./world.js";

const DAY_MS = 86_400_000;

/** What the mailer would record for one journey email, before it is captured. */
export interface RecordedSend {
  props: Record<string, unknown>;
  subject: string | undefined;
  category: string | undefined;
  decision: SendDecision;
}

/**
 * The mailer's `record()` for a journey's email, in memory: template key and props checked,
 * category by the engine's `categoryOf` (a switch to or from transactional throws its AppError),
 * subject, then the engine's `decideSend` over facts read from the harness's store in virtual
 * time. The harness holds no copy of the rules, only the gathering.
 */
export async function recordSend(
  world: World,
  run: Run,
  email: Pick<JourneyEmail, "template" | "subject" | "category"> & { props: Record<string, unknown> },
): Promise<RecordedSend> {
  let props = email.props;
  let subject = email.subject;
  // Without templates there is no template category: the call's, else the journey's, stands.
  let category = email.category ?? run.journey.meta.category;
  if (world.templates) {
    const template = getTemplate(world.templates, email.template);
    props = (await parseTemplateProps(template, email.template, email.props)) as Record<string, unknown>;
    category = categoryOf(template.category, email.category);
    subject ??= typeof template.subject === "function" ? template.subject(props) : template.subject;
  }
  const decision = decideSend(gatherSendFacts(world, run, category));
  return { props, subject, category, decision };
}

/**
 * The facts the mailer's `readEnqueueFacts` reads from Postgres, from the captured sends instead.
 * As there, only sends that go out count: a
 * suppressed send neither uses up the frequency cap nor starts the journey's minimum gap.
 */
function gatherSendFacts(world: World, run: Run, category: string | undefined): SendFacts {
  const { store, clock } = world;
  const now = clock.now();
  const userId = store.userIdOf(run.state.userKey);
  const live = store.captured.sends.filter((s) => s.userId === userId && s.status === "queued");
  const { id: journeyId, emailMinGap } = run.journey.meta;
  const cap = world.frequencyCapPerDay;
  return {
    // An email with no category at all (no templates, none named) is ordinary, opt-out-able mail.
    category: category ?? "",
    preferences: store.contactByKey(run.state.userKey)?.preferences,
    enrollment: run.state.status,
    ...(cap === undefined
      ? {}
      : {
          frequencyCap: {
            perDay: cap,
            sentInLastDay: live.filter(
              (s) => s.category !== "transactional" && s.at.getTime() >= now.getTime() - DAY_MS,
            ).length,
          },
        }),
    ...(emailMinGap
      ? {
          journeyGap: {
            journeyId,
            minGapMs: parseDuration(emailMinGap),
            lastSentAt: live.findLast((s) => s.journeyId === journeyId)?.at,
          },
        }
      : {}),
    now,
  };
}
