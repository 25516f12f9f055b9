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

/** First notice, sent as soon as a payment fails. */
export function PaymentFailed(props: PaymentProps) {
  return (
    <Layout
      preview="Your card was declined. Update your payment details to keep your account active."
      reason={`You're receiving this because you have a paid ${brand.name} account.`}
    >
      <Title>We couldn't process your payment</Title>
      <Paragraph>{greeting(props.firstName)}</Paragraph>
      <Paragraph>
        We tried to charge {describeCharge(props)}, but the payment didn't go through. Your account is still
        fully active, and we'll retry the charge automatically over the next few days.
      </Paragraph>
      <CommonCauses />
      <CallToAction href={paymentUrl(props)}>Update payment details</CallToAction>
      <SignOff />
    </Layout>
  );
}

export const paymentFailedTemplate = defineTemplate({
  component: PaymentFailed,
  subject: `We couldn't process your ${brand.name} payment`,
  category: "billing",
  example: paymentExample,
  props: PaymentPropsSchema,
});
