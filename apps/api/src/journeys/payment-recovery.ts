import { defineJourney } from "@hogsend/engine";

/** Payment-failed recovery: three escalating reminders, ended at once by payment_succeeded. */
export const paymentRecovery = defineJourney({
  meta: {
    id: "payment-recovery",
    name: "Payment failed recovery",
    enabled: true,
    trigger: { event: "payment_failed" },
    entryLimit: "unlimited",
    exitOn: ["payment_succeeded"],
    category: "billing",
  },
  async run(user, ctx) {
    const invoice = String(user.event.properties.invoiceId ?? "");
    await ctx.checkpoint("send:payment-failed", { template: "payment-failed", to: user.email, invoice });
    await ctx.sleep("2d");
    await ctx.checkpoint("send:payment-reminder", { template: "payment-reminder", to: user.email, invoice });
    await ctx.sleep("3d");
    await ctx.checkpoint("send:payment-final-notice", {
      template: "payment-final-notice",
      to: user.email,
      invoice,
    });
  },
});
