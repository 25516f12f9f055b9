/** @jsxRuntime automatic */
import { defineTemplate } from "@hogsend/email";
import { z } from "zod";
import { brand } from "./brand.js";
import { CallToAction, Paragraph, SignOff, Title } from "./components/elements.js";
import { Layout } from "./components/layout.js";
import { greeting } from "./format.js";

export const WelcomePropsSchema = z.object({
  firstName: z.string().trim().min(1).optional(),
});
export type WelcomeProps = z.infer<typeof WelcomePropsSchema>;

export function Welcome(props: WelcomeProps) {
  return (
    <Layout
      preview={`Your ${brand.name} account is ready. Here is the one thing to do first.`}
      reason={`You're receiving this because you signed up for ${brand.name}.`}
    >
      <Title>Welcome to {brand.name}</Title>
      <Paragraph>{greeting(props.firstName)}</Paragraph>
      <Paragraph>
        Thanks for signing up. Your account is ready, and the quickest way to see what {brand.name} can do is
        to create your first project: it takes about five minutes, and everything else builds on it.
      </Paragraph>
      <CallToAction href={`${brand.appUrl}/projects/new`}>Create your first project</CallToAction>
      <Paragraph>
        Over the next few days we'll send a couple of short emails with the things new teams find most useful.
        No newsletters, and you can switch them off at any time.
      </Paragraph>
      <SignOff />
    </Layout>
  );
}

export const welcomeTemplate = defineTemplate({
  component: Welcome,
  subject: (p) => (p.firstName ? `Welcome to ${brand.name}, ${p.firstName}` : `Welcome to ${brand.name}`),
  category: "onboarding",
  example: { firstName: "Ada" },
  props: WelcomePropsSchema,
});
