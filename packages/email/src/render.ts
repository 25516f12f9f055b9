import { AppError } from "@hogsend/core";
import { render, toPlainText } from "@react-email/render";
import { createElement } from "react";
import { type EmailLinks, EmailLinksContext } from "./layout/email-links.js";
import { issuePath } from "./props-schema.js";
import {
  type AnyTemplateDefinition,
  getTemplate,
  type TemplateCategory,
  type TemplateKey,
  type TemplateProps,
  type TemplateRegistry,
} from "./registry.js";

export interface RenderTemplateOptions {
  /** One-click unsubscribe link for this recipient; ignored for transactional templates. */
  unsubscribeUrl?: string;
  /** Preference centre link for this recipient; ignored for transactional templates. */
  preferencesUrl?: string;
}

export interface RenderedEmail {
  template: string;
  subject: string;
  html: string;
  text: string;
  category: TemplateCategory;
}

/** Renders a registered template to subject, HTML and plain text; props are validated when it has a schema. */
export async function renderTemplate<R extends TemplateRegistry, K extends TemplateKey<R>>(
  registry: R,
  key: K,
  props: TemplateProps<R, K>,
  options: RenderTemplateOptions = {},
): Promise<RenderedEmail> {
  return renderTemplateFromInput(registry, key, props, options);
}

/**
 * renderTemplate for input from outside (an API body): key and props are untyped and checked at
 * run time, so a bad key or bad props become a VALIDATION_FAILED AppError naming the fields.
 */
export async function renderTemplateFromInput(
  registry: TemplateRegistry,
  key: string,
  props: unknown,
  options: RenderTemplateOptions = {},
): Promise<RenderedEmail> {
  const template = getTemplate(registry, key);
  const valid = await parseTemplateProps(template, key, props);
  // Transactional mail must not offer an unsubscribe: there is nothing to opt out of.
  const links: EmailLinks =
    template.category === "transactional"
      ? {}
      : { unsubscribeUrl: options.unsubscribeUrl, preferencesUrl: options.preferencesUrl };
  const element = createElement(
    EmailLinksContext.Provider,
    { value: links },
    createElement(template.component, valid),
  );
  const html = await render(element);
  if (links.unsubscribeUrl && !containsUrl(html, links.unsubscribeUrl)) {
    throw new AppError(
      "INTERNAL",
      `email template ${key} dropped its unsubscribe link: render it inside EmailLayout (or use useEmailLinks)`,
    );
  }
  const subject = typeof template.subject === "function" ? template.subject(valid) : template.subject;
  return { template: key, subject, html, text: toPlainText(html), category: template.category };
}

/** Props validated by the template's schema (if any); failures name each field as `props.<path>`. */
export async function parseTemplateProps(
  template: AnyTemplateDefinition,
  key: string,
  input: unknown,
): Promise<object> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw propsError(key, [{ field: "props", message: "Expected an object" }]);
  }
  if (!template.props) return input;
  const result = await template.props["~standard"].validate(input);
  if (!result.issues) return result.value as object;
  throw propsError(
    key,
    result.issues.map((issue) => {
      const path = issuePath(issue);
      return { field: path ? `props.${path}` : "props", message: issue.message };
    }),
  );
}

function propsError(key: string, fields: { field: string; message: string }[]): AppError {
  const names = [...new Set(fields.map((f) => f.field))].join(", ");
  return new AppError("VALIDATION_FAILED", `Invalid props for email template ${key}: ${names}`, {
    details: { fields },
  });
}

// React escapes attribute values, so a URL with `&` appears as `&amp;` in the markup.
function containsUrl(html: string, url: string): boolean {
  const escaped = url
    .replaceAll("&", "&amp;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#x27;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;");
  return html.includes(`href="${escaped}"`) || html.includes(`href="${url}"`);
}
