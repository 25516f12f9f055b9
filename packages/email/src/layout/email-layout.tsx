/** @jsxRuntime automatic */
import type { CSSProperties, ReactNode } from "react";
import { useEmailLinks } from "./email-links.js";

export interface EmailLayoutProps {
  children: ReactNode;
  /** Inbox preview line shown after the subject; hidden in the body and left out of the plain text. */
  preview?: string;
  /** Sender name shown above the content. */
  brandName?: string;
  /** The sender's postal address: commercial email must carry one (CAN-SPAM). */
  postalAddress?: string;
  /** Why the recipient gets this email, shown in the footer. */
  reason?: ReactNode;
  /** Override the links renderTemplate provides (for previews outside renderTemplate). */
  unsubscribeUrl?: string;
  preferencesUrl?: string;
  lang?: string;
}

const fontFamily =
  '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

const styles = {
  body: { margin: 0, padding: 0, backgroundColor: "#f4f4f5", fontFamily },
  outer: { backgroundColor: "#f4f4f5", padding: "32px 12px" },
  card: {
    maxWidth: "560px",
    width: "100%",
    backgroundColor: "#ffffff",
    borderRadius: "8px",
    padding: "32px",
    color: "#18181b",
    fontSize: "15px",
    lineHeight: "24px",
  },
  brand: {
    fontSize: "14px",
    fontWeight: 600,
    letterSpacing: "0.02em",
    color: "#52525b",
    paddingBottom: "24px",
  },
  footer: {
    maxWidth: "560px",
    width: "100%",
    padding: "20px 32px 0",
    color: "#71717a",
    fontSize: "12px",
    lineHeight: "18px",
  },
  footerLink: { color: "#52525b", textDecoration: "underline" },
  preview: {
    display: "none",
    overflow: "hidden",
    lineHeight: "1px",
    maxHeight: 0,
    maxWidth: 0,
    opacity: 0,
  },
} satisfies Record<string, CSSProperties>;

// Whitespace after the preview keeps mail clients from filling the inbox snippet with body text.
const PREVIEW_PADDING = "\u00a0\u200c".repeat(80);

/**
 * The shared frame of every email: a centred card, a footer with the unsubscribe and preference
 * links (when renderTemplate provides them) and the sender's postal address. Table-based, inline
 * styles only, so it holds up in Outlook and Gmail.
 */
export function EmailLayout(props: EmailLayoutProps) {
  const links = useEmailLinks();
  const unsubscribeUrl = props.unsubscribeUrl ?? links.unsubscribeUrl;
  const preferencesUrl = props.preferencesUrl ?? links.preferencesUrl;
  return (
    <html lang={props.lang ?? "en"} dir="ltr">
      <head>
        <meta httpEquiv="Content-Type" content="text/html; charset=UTF-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="x-apple-disable-message-reformatting" />
      </head>
      <body style={styles.body}>
        {props.preview ? (
          <div style={styles.preview} data-skip-in-text="true">
            {props.preview}
            {PREVIEW_PADDING}
          </div>
        ) : null}
        <table
          role="presentation"
          width="100%"
          cellPadding={0}
          cellSpacing={0}
          border={0}
          style={styles.outer}
        >
          <tbody>
            <tr>
              <td align="center">
                <table role="presentation" cellPadding={0} cellSpacing={0} border={0} style={styles.card}>
                  <tbody>
                    <tr>
                      <td>
                        {props.brandName ? <div style={styles.brand}>{props.brandName}</div> : null}
                        {props.children}
                      </td>
                    </tr>
                  </tbody>
                </table>
                <table role="presentation" cellPadding={0} cellSpacing={0} border={0} style={styles.footer}>
                  <tbody>
                    <tr>
                      <td align="center">
                        {props.reason ? <p style={{ margin: "0 0 8px" }}>{props.reason}</p> : null}
                        <FooterLinks unsubscribeUrl={unsubscribeUrl} preferencesUrl={preferencesUrl} />
                        {props.postalAddress ? <p style={{ margin: 0 }}>{props.postalAddress}</p> : null}
                      </td>
                    </tr>
                  </tbody>
                </table>
              </td>
            </tr>
          </tbody>
        </table>
      </body>
    </html>
  );
}

function FooterLinks(props: { unsubscribeUrl: string | undefined; preferencesUrl: string | undefined }) {
  if (!props.unsubscribeUrl && !props.preferencesUrl) return null;
  return (
    <p style={{ margin: "0 0 8px" }}>
      {props.preferencesUrl ? (
        <a href={props.preferencesUrl} style={styles.footerLink}>
          Manage email preferences
        </a>
      ) : null}
      {props.preferencesUrl && props.unsubscribeUrl ? " · " : null}
      {props.unsubscribeUrl ? (
        <a href={props.unsubscribeUrl} style={styles.footerLink}>
          Unsubscribe
        </a>
      ) : null}
    </p>
  );
}
