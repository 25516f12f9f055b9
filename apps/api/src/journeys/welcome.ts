import { defineJourney } from "@hogsend/engine";
import { firstNameOf } from "./person.js";

/**
 * Welcome series: greet on sign-up, give the user a day, then wait up to three days for
 * activation and branch on it: tips for those who activated, a nudge for those who did not.
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
    const props = { firstName: firstNameOf(user) };
    await ctx.sendEmail({ template: "welcome", props });
    await ctx.sleep("1d");
    const activation = await ctx.waitForEvent({ event: "user_activated", timeout: "3d" });
    if (activation.timedOut) {
      await ctx.sendEmail({ template: "activation-nudge", props });
    } else {
      await ctx.sendEmail({ template: "getting-started-tips", props });
    }
  },
});
