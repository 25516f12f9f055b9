/** @jsxRuntime automatic */
import { defineTemplate } from "@hogsend/email";
import { brand } from "./brand.js";
import { CallToAction, Paragraph, SignOff, Title } from "./components/elements.js";
import { Layout } from "./components/layout.js";
import {
  CommonCauses,
  describeCharge,
  type PaymentProps,
  PaymentPropsSchema,
  paymentExample,
  paymentUrl,
} from "./components/payment.js";
import { greeting } from "./format.js";

/** Second notice, a couple of days after the first, while the payment is still outstanding. */
export function PaymentReminder(props: PaymentProps) {
  return (
    <Layout
      preview="Our retries haven't gone through yet. It takes a minute to fix."
      reason={`You're receiving this because you have a paid ${brand.name} account.`}
    >
      <Title>Your payment is still outstanding</Title>
      <Paragraph>{greeting(props.firstName)}</Paragraph>
      <Paragraph>
        A couple of days ago we let you know that {describeCharge(props)} didn't go through. We've retried
        since then, but the charge is still being declined.
      </Paragraph>
      <CommonCauses />
      <CallToAction href={paymentUrl(props)}>Update payment details</CallToAction>
      <Paragraph>
        Already sorted it out? Thanks, you can ignore this email: it can take a few hours for a new card to
        show up on our side.
      </Paragraph>
      <SignOff />
    </Layout>
  );
}

export const paymentReminderTemplate = defineTemplate({
  component: PaymentReminder,
  subject: `Reminder: your ${brand.name} payment is still outstanding`,
  category: "billing",
  example: paymentExample,
  props: PaymentPropsSchema,
});
