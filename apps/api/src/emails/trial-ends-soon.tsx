/** @jsxRuntime automatic */
import { defineTemplate } from "@hogsend/email";
import { z } from "zod";
import { brand } from "./brand.js";
import { CallToAction, Paragraph, SignOff, Title } from "./components/elements.js";
import { Layout } from "./components/layout.js";
import { formatDate, greeting } from "./format.js";

export const TrialEndsSoonPropsSchema = z.object({
  firstName: z.string().trim().min(1).optional(),
  /** When the trial ends (ISO 8601). */
  endsAt: z.iso.datetime({ offset: true }),
  planName: z.string().trim().min(1).optional(),
});
export type TrialEndsSoonProps = z.infer<typeof TrialEndsSoonPropsSchema>;

/** Sent a few days before the trial ends, unless the user has already subscribed. */
export function TrialEndsSoon(props: TrialEndsSoonProps) {
  const endsOn = formatDate(props.endsAt);
  const plan = props.planName ? `the ${props.planName} plan` : "a paid plan";
  return (
    <Layout
      preview={`Your trial ends on ${endsOn}. Choose a plan to keep your projects running.`}
      reason={`You're receiving this because you started a ${brand.name} trial.`}
    >
      <Title>Your trial ends on {endsOn}</Title>
      <Paragraph>{greeting(props.firstName)}</Paragraph>
      <Paragraph>
        A quick heads-up: your {brand.name} trial ends on {endsOn}. To keep your projects, alerts and saved
        views working without a break, move to {plan} before then. Everything you've set up stays exactly as
        it is.
      </Paragraph>
      <CallToAction href={brand.billingUrl}>Choose a plan</CallToAction>
      <Paragraph>
        If you decide {brand.name} isn't for you, there's nothing to do: your account switches to read-only
        when the trial ends and you won't be charged.
      </Paragraph>
      <SignOff />
    </Layout>
  );
}

export const trialEndsSoonTemplate = defineTemplate({
  component: TrialEndsSoon,
  subject: (p) => `Your ${brand.name} trial ends on ${formatDate(p.endsAt)}`,
  category: "billing",
  example: { firstName: "Ada", endsAt: "2026-03-14T09:00:00.000Z", planName: "Team" },
  props: TrialEndsSoonPropsSchema,
});
