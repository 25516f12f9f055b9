import { defineJourney } from "@hogsend/engine";

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
    await ctx.sleepUntil(new Date(endsAt.getTime() - 3 * DAY));
    if (!(await ctx.guard.isSubscribed())) ctx.exit("not subscribed to billing");
    await ctx.checkpoint("send:trial-ends-soon", {
      template: "trial-ends-soon",
      to: user.email,
      endsAt: endsAt.toISOString(),
    });
    await ctx.sleepUntil(endsAt);
    await ctx.checkpoint("send:trial-ended", { template: "trial-ended", to: user.email });
  },
});
