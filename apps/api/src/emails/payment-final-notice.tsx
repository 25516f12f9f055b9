/** @jsxRuntime automatic */
import { defineTemplate } from "@hogsend/email";
import { z } from "zod";
import { brand } from "./brand.js";
import { CallToAction, Paragraph, SignOff, Title } from "./components/elements.js";
import { Layout } from "./components/layout.js";
import { describeCharge, PaymentPropsSchema, paymentExample, paymentUrl } from "./components/payment.js";
import { formatDate, greeting } from "./format.js";

export const PaymentFinalNoticePropsSchema = PaymentPropsSchema.extend({
  /** When the account is paused if the invoice stays unpaid (ISO 8601). */
  pausesAt: z.iso.datetime({ offset: true }).optional(),
});
export type PaymentFinalNoticeProps = z.infer<typeof PaymentFinalNoticePropsSchema>;

/** Last notice before the account is paused. */
export function PaymentFinalNotice(props: PaymentFinalNoticeProps) {
  const when = props.pausesAt ? `on ${formatDate(props.pausesAt)}` : "in the next few days";
  return (
    <Layout
      preview={`Your account will be paused ${when} unless the outstanding payment is settled.`}
      reason={`You're receiving this because you have a paid ${brand.name} account.`}
    >
      <Title>Final notice: your account will be paused</Title>
      <Paragraph>{greeting(props.firstName)}</Paragraph>
      <Paragraph>
        We still haven't been able to collect {describeCharge(props)}. Unless the payment is settled, your{" "}
        {brand.name} account will be paused {when}.
      </Paragraph>
      <Paragraph>
        Pausing doesn't delete anything: your projects and data are kept, and everything comes back the moment
        the invoice is paid. But alerts stop, and your team loses access in the meantime.
      </Paragraph>
      <CallToAction href={paymentUrl(props)}>Pay the outstanding invoice</CallToAction>
      <Paragraph>
        If something's wrong with the invoice itself, or you'd like to cancel instead, reply to this email and
        we'll sort it out with you.
      </Paragraph>
      <SignOff />
    </Layout>
  );
}

export const paymentFinalNoticeTemplate = defineTemplate({
  component: PaymentFinalNotice,
  subject: `Final notice: action needed to keep your ${brand.name} account`,
  category: "billing",
  example: { ...paymentExample, pausesAt: "2026-03-20T00:00:00.000Z" },
  props: PaymentFinalNoticePropsSchema,
});
