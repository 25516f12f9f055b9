/** @jsxRuntime automatic */
import { Button, Heading, Hr, Link, Text } from "@react-email/components";
import type { ReactNode } from "react";
import { brand } from "../brand.js";

export function Title(props: { children: ReactNode }) {
  return (
    <Heading as="h1" style={{ fontSize: "22px", lineHeight: "30px", fontWeight: 600, margin: "0 0 16px" }}>
      {props.children}
    </Heading>
  );
}

export function Paragraph(props: { children: ReactNode }) {
  return <Text style={{ fontSize: "15px", lineHeight: "24px", margin: "0 0 16px" }}>{props.children}</Text>;
}

/** The one thing the email asks for, as a bulletproof button. */
export function CallToAction(props: { href: string; children: ReactNode }) {
  return (
    <Button
      href={props.href}
      style={{
        backgroundColor: "#18181b",
        color: "#ffffff",
        borderRadius: "6px",
        fontSize: "15px",
        fontWeight: 600,
        padding: "12px 20px",
        margin: "8px 0 24px",
        textDecoration: "none",
      }}
    >
      {props.children}
    </Button>
  );
}

export function Divider() {
  return <Hr style={{ borderColor: "#e4e4e7", margin: "24px 0" }} />;
}

/** Closing line with a reply-to-support nudge, so people know a human reads replies. */
export function SignOff(props: { from?: string }) {
  return (
    <Text style={{ fontSize: "15px", lineHeight: "24px", margin: "24px 0 0" }}>
      Questions? Reply to this email or write to{" "}
      <Link href={`mailto:${brand.supportEmail}`}>{brand.supportEmail}</Link>.
      <br />
      {props.from ?? `The ${brand.name} team`}
    </Text>
  );
}
