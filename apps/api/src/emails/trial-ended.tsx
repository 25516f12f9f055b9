/** @jsxRuntime automatic */
import { defineTemplate } from "@hogsend/email";
import { z } from "zod";
import { brand } from "./brand.js";
import { CallToAction, Paragraph, SignOff, Title } from "./components/elements.js";
import { Layout } from "./components/layout.js";
import { greeting } from "./format.js";

export const TrialEndedPropsSchema = z.object({
  firstName: z.string().trim().min(1).optional(),
});
export type TrialEndedProps = z.infer<typeof TrialEndedPropsSchema>;

/** Sent when the trial has run out without a subscription. */
export function TrialEnded(props: TrialEndedProps) {
  return (
    <Layout
      preview="Your projects are safe and read-only. Pick a plan whenever you're ready."
      reason={`You're receiving this because you started a ${brand.name} trial.`}
    >
      <Title>Your trial has ended</Title>
      <Paragraph>{greeting(props.firstName)}</Paragraph>
      <Paragraph>
        Your {brand.name} trial is over, so your account is now read-only. Nothing has been deleted: your
        projects, data and settings are all still there, and they'll pick up where they left off as soon as
        you choose a plan.
      </Paragraph>
      <CallToAction href={brand.billingUrl}>Choose a plan</CallToAction>
      <Paragraph>
        Need more time to evaluate? Reply to this email and tell us a bit about your team. We're happy to
        extend trials for teams that are still deciding.
      </Paragraph>
      <SignOff />
    </Layout>
  );
}

export const trialEndedTemplate = defineTemplate({
  component: TrialEnded,
  subject: `Your ${brand.name} trial has ended`,
  category: "billing",
  example: { firstName: "Ada" },
  props: TrialEndedPropsSchema,
});
