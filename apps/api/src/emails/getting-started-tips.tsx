/** @jsxRuntime automatic */
import { defineTemplate } from "@hogsend/email";
import { Link } from "@react-email/components";
import { z } from "zod";
import { brand } from "./brand.js";
import { Paragraph, SignOff, Title } from "./components/elements.js";
import { Layout } from "./components/layout.js";
import { greeting } from "./format.js";

export const GettingStartedTipsPropsSchema = z.object({
  firstName: z.string().trim().min(1).optional(),
});
export type GettingStartedTipsProps = z.infer<typeof GettingStartedTipsPropsSchema>;

const tips = [
  {
    title: "Invite your team",
    body: "Projects are more useful when the people who act on them can see them. Invites are free on every plan.",
    href: `${brand.appUrl}/settings/members`,
    link: "Invite teammates",
  },
  {
    title: "Set up an alert",
    body: "Pick the number you care about most and get an email or Slack message when it moves.",
    href: `${brand.docsUrl}/alerts`,
    link: "How alerts work",
  },
  {
    title: "Save a view",
    body: "Filters you use every week can be saved and shared, so nobody has to rebuild them.",
    href: `${brand.docsUrl}/saved-views`,
    link: "Saving views",
  },
];

/** Sent to users who activated: what to try next. */
export function GettingStartedTips(props: GettingStartedTipsProps) {
  return (
    <Layout
      preview="Three small things that make the biggest difference in your first week."
      reason={`You're receiving this because you signed up for ${brand.name}.`}
    >
      <Title>Three ways to get more out of {brand.name}</Title>
      <Paragraph>{greeting(props.firstName)}</Paragraph>
      <Paragraph>
        Your first project is up and running, nicely done. Here are three things the teams who stick with{" "}
        {brand.name} tend to do in their first week:
      </Paragraph>
      {tips.map((tip) => (
        <Paragraph key={tip.title}>
          <strong>{tip.title}.</strong> {tip.body} <Link href={tip.href}>{tip.link}</Link>
        </Paragraph>
      ))}
      <SignOff />
    </Layout>
  );
}

export const gettingStartedTipsTemplate = defineTemplate({
  component: GettingStartedTips,
  subject: `Three ways to get more out of ${brand.name}`,
  category: "onboarding",
  example: { firstName: "Ada" },
  props: GettingStartedTipsPropsSchema,
});
