/** @jsxRuntime automatic */
import { defineTemplate } from "@hogsend/email";
import { Link } from "@react-email/components";
import { z } from "zod";
import { brand } from "./brand.js";
import { CallToAction, Paragraph, SignOff, Title } from "./components/elements.js";
import { Layout } from "./components/layout.js";
import { greeting } from "./format.js";

export const PasswordResetPropsSchema = z.object({
  firstName: z.string().trim().min(1).optional(),
  resetUrl: z.url(),
  /** How long the link works; say it, so an expired link is not a surprise. */
  expiresInMinutes: z
    .int()
    .positive()
    .max(24 * 60),
  /** Where the request came from, e.g. "Firefox on Windows". */
  requestedFrom: z.string().trim().min(1).optional(),
});
export type PasswordResetProps = z.infer<typeof PasswordResetPropsSchema>;

function describeMinutes(minutes: number): string {
  if (minutes % 60 === 0) return minutes === 60 ? "1 hour" : `${minutes / 60} hours`;
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}

/** Password reset link: transactional, so it goes out regardless of marketing preferences. */
export function PasswordReset(props: PasswordResetProps) {
  return (
    <Layout
      preview={`Use this link within ${describeMinutes(props.expiresInMinutes)} to choose a new password.`}
      reason={`This email was sent because a password reset was requested for your ${brand.name} account.`}
    >
      <Title>Reset your password</Title>
      <Paragraph>{greeting(props.firstName)}</Paragraph>
      <Paragraph>
        Someone asked to reset the password for your {brand.name} account
        {props.requestedFrom ? ` from ${props.requestedFrom}` : ""}. If that was you, choose a new password
        with the button below. The link works once and expires in {describeMinutes(props.expiresInMinutes)}.
      </Paragraph>
      <CallToAction href={props.resetUrl}>Choose a new password</CallToAction>
      <Paragraph>
        If the button doesn't work, paste this link into your browser:
        <br />
        <Link href={props.resetUrl}>{props.resetUrl}</Link>
      </Paragraph>
      <Paragraph>
        Didn't ask for this? You can safely ignore this email: your password stays the same until someone uses
        the link.
      </Paragraph>
      <SignOff />
    </Layout>
  );
}

export const passwordResetTemplate = defineTemplate({
  component: PasswordReset,
  subject: `Reset your ${brand.name} password`,
  category: "transactional",
  example: {
    firstName: "Ada",
    resetUrl: "https://app.acme.example/reset-password?token=Yp3kQ9vN2xL7mR4t",
    expiresInMinutes: 60,
    requestedFrom: "Firefox on Windows",
  },
  props: PasswordResetPropsSchema,
});
