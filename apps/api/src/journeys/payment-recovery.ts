import { defineJourney } from "@hogsend/engine";
import { firstNameOf } from "./person.js";

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
    const { invoiceId, amountDue, currency, updatePaymentUrl } = user.event.properties;
    // Only what the payment templates accept: a malformed property is left out, not fatal.
    const props = {
      firstName: firstNameOf(user),
      invoiceId: typeof invoiceId === "string" && invoiceId ? invoiceId : undefined,
      amountDue: Number.isInteger(amountDue) && (amountDue as number) > 0 ? (amountDue as number) : undefined,
      currency: typeof currency === "string" && /^[A-Za-z]{3}$/.test(currency) ? currency : undefined,
      updatePaymentUrl:
        typeof updatePaymentUrl === "string" && /^https?:\/\//.test(updatePaymentUrl)
          ? updatePaymentUrl
          : undefined,
    };
    await ctx.sendEmail({ template: "payment-failed", props });
    await ctx.sleep("2d");
    await ctx.sendEmail({ template: "payment-reminder", props });
    await ctx.sleep("3d");
    await ctx.sendEmail({ template: "payment-final-notice", props });
  },
});
