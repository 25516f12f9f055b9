/** @jsxRuntime automatic */
import { defineTemplate } from "@hogsend/email";
import { Link } from "@react-email/components";
import { z } from "zod";
import { brand } from "./brand.js";
import { CallToAction, Paragraph, SignOff, Title } from "./components/elements.js";
import { Layout } from "./components/layout.js";
import { greeting } from "./format.js";

export const ActivationNudgePropsSchema = z.object({
  firstName: z.string().trim().min(1).optional(),
});
export type ActivationNudgeProps = z.infer<typeof ActivationNudgePropsSchema>;

/** Sent when a new user has not activated a few days after signing up. */
export function ActivationNudge(props: ActivationNudgeProps) {
  return (
    <Layout
      preview="Most teams are up and running in under ten minutes. We can help."
      reason={`You're receiving this because you signed up for ${brand.name}.`}
    >
      <Title>Need a hand getting started?</Title>
      <Paragraph>{greeting(props.firstName)}</Paragraph>
      <Paragraph>
        You signed up for {brand.name} a few days ago but haven't set up your first project yet. That's
        usually a sign something got in the way, so here is the short version:
      </Paragraph>
      <Paragraph>
        1. Create a project and give it a name.
        <br />
        2. Connect your data source, or start from the sample data.
        <br />
        3. Invite one teammate, so someone else sees the results.
      </Paragraph>
      <CallToAction href={`${brand.appUrl}/projects/new`}>Set up your project</CallToAction>
      <Paragraph>
        Stuck on something specific? The <Link href={`${brand.docsUrl}/quickstart`}>quickstart guide</Link>{" "}
        covers the common snags, or just reply and tell us where you got stuck.
      </Paragraph>
      <SignOff />
    </Layout>
  );
}

export const activationNudgeTemplate = defineTemplate({
  component: ActivationNudge,
  subject: "Need a hand getting started?",
  category: "onboarding",
  example: { firstName: "Ada" },
  props: ActivationNudgePropsSchema,
});
