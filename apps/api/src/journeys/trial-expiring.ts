import { defineJourney } from "@hogsend/engine";
import { firstNameOf } from "./person.js";

const DAY = 86_400_000;

/** Trial expiring: remind three days before the trial ends, unless the user subscribes first. */
export const trialExpiring = defineJourney({
  meta: {
    id: "trial-expiring",
    name: "Trial expiring",
    enabled: true,
    trigger: { event: "trial_started", where: [{ property: "trialEndsAt", op: "exists" }] },
    entryLimit: "once_per_period",
    entryPeriod: "30d",
    exitOn: ["subscription_started"],
    category: "billing",
  },
  async run(user, ctx) {
    const endsAt = new Date(String(user.event.properties.trialEndsAt));
    if (Number.isNaN(endsAt.getTime())) ctx.exit("trialEndsAt is not a date");
    const planName = typeof user.event.properties.plan === "string" ? user.event.properties.plan : undefined;
    const firstName = firstNameOf(user);
    await ctx.sleepUntil(new Date(endsAt.getTime() - 3 * DAY));
    if (!(await ctx.guard.isSubscribed())) ctx.exit("not subscribed to billing");
    await ctx.sendEmail({
      template: "trial-ends-soon",
      props: { firstName, endsAt: endsAt.toISOString(), planName },
    });
    await ctx.sleepUntil(endsAt);
    await ctx.sendEmail({ template: "trial-ended", props: { firstName } });
  },
});
