import type { RenderedEmail, RenderTemplateOptions } from "@hogsend/email";
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { preferencesUrl, unsubscribeUrl } from "../email/links.js";
import { EMAIL_HTML_CSP } from "../http/html-pages.js";

// Not real tokens: an admin render must never mint a link that could unsubscribe anyone. The paths
// match the routes that serve real links, so the render shows where the footer points.
const PLACEHOLDER_TOKEN = "preview";

/** The footer links of an email rendered for an admin to look at, not to send. */
export const placeholderLinks = (publicUrl: string): RenderTemplateOptions => ({
  unsubscribeUrl: unsubscribeUrl(publicUrl, PLACEHOLDER_TOKEN),
  preferencesUrl: preferencesUrl(publicUrl, PLACEHOLDER_TOKEN),
});

const RenderedSchema = z
  .object({ subject: z.string(), html: z.string(), text: z.string(), category: z.string() })
  .openapi("RenderedEmail");

export const RenderFormatSchema = z.enum(["json", "html", "text"]).default("json").openapi({
  description: "`json`: subject, html, text and category; `html` or `text`: that body alone",
});

export const renderedResponses = {
  200: {
    description: "The rendered email",
    content: {
      "application/json": { schema: RenderedSchema },
      "text/html": { schema: z.string() },
      "text/plain": { schema: z.string() },
    },
  },
};

/**
 * Headers for a rendered email's HTML served on the api's origin. Templates render links and text
 * from props, which callers choose: the email CSP keeps any script in it from running.
 */
export function setEmailHtmlHeaders(c: Context): void {
  c.header("Content-Security-Policy", EMAIL_HTML_CSP);
  c.header("X-Content-Type-Options", "nosniff");
}

/** The JSON body of a rendered email. */
export const renderedJson = ({ subject, html, text, category }: RenderedEmail) => ({
  subject,
  html,
  text,
  category,
});
