import { defineJourney } from "@hogsend/engine";

/**
 * Welcome series: greet on sign-up, give the user a day, then wait up to three days for
 * activation and branch on it. Sends are recorded as checkpoints until the mailer lands.
 */
export const welcome = defineJourney({
  meta: {
    id: "welcome",
    name: "Welcome series",
    enabled: true,
    trigger: { event: "user_signed_up" },
    entryLimit: "once",
    category: "onboarding",
  },
  async run(user, ctx) {
    if (!(await ctx.guard.isSubscribed())) ctx.exit("not subscribed to onboarding");
    await ctx.checkpoint("send:welcome", { template: "welcome", to: user.email });
    await ctx.sleep("1d");
    const activation = await ctx.waitForEvent({ event: "user_activated", timeout: "3d" });
    if (activation.timedOut) {
      await ctx.checkpoint("send:activation-nudge", { template: "activation-nudge", to: user.email });
    } else {
      await ctx.checkpoint("send:getting-started-tips", { template: "getting-started-tips", to: user.email });
    }
  },
});
