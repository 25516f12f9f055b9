/**
 * The chaos run's content: one journey that sends two emails around a durable sleep, long
 * enough that the run is evicted from the worker and replayed (the run sets JOURNEY_EVICT_AFTER
 * below it), so worker kills land before, during and after each step. apps/api's templates.
 */
import { templates } from "@hogsend/api/emails";
import { defineJourney, type RuntimeContent } from "@hogsend/engine";

export const CHAOS_TRIGGER = "chaos_started";
export const CHAOS_JOURNEY_ID = "chaos-two-emails";
/** The two templates each run sends, in order. */
export const CHAOS_TEMPLATES = ["welcome", "getting-started-tips"] as const;
/** The durable sleep between them. */
export const CHAOS_SLEEP = "4s";

const chaosJourney = defineJourney({
  meta: {
    id: CHAOS_JOURNEY_ID,
    name: "Chaos: two emails around a sleep",
    enabled: true,
    trigger: { event: CHAOS_TRIGGER },
    entryLimit: "once",
    category: "onboarding",
  },
  async run(user, ctx) {
    const props = {
      firstName: typeof user.properties.firstName === "string" ? user.properties.firstName : undefined,
    };
    await ctx.sendEmail({ template: CHAOS_TEMPLATES[0], props });
    await ctx.sleep(CHAOS_SLEEP);
    await ctx.sendEmail({ template: CHAOS_TEMPLATES[1], props });
  },
});

export const chaosContent: RuntimeContent = {
  clientJournal: null,
  journeys: [chaosJourney],
  templates,
};
