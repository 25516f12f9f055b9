export { EmailLayout, type EmailLayoutProps } from "./layout/email-layout.js";
export { type EmailLinks, EmailLinksContext, useEmailLinks } from "./layout/email-links.js";
export type { PropsSchema, PropsSchemaIssue, PropsSchemaResult } from "./props-schema.js";
export {
  type AnyTemplateDefinition,
  defineTemplate,
  defineTemplates,
  getTemplate,
  type TemplateCategory,
  type TemplateDefinition,
  type TemplateKey,
  type TemplateProps,
  type TemplateRegistry,
} from "./registry.js";
export {
  parseTemplateProps,
  type RenderedEmail,
  type RenderTemplateOptions,
  renderTemplate,
  renderTemplateFromInput,
} from "./render.js";
export {
  EMAIL_TOKEN_TTL_MS,
  type EmailTokenClaims,
  type EmailTokenError,
  type EmailTokenPurpose,
  signEmailToken,
  type VerifyEmailTokenOptions,
  type VerifyEmailTokenResult,
  verifyEmailToken,
} from "./tokens.js";
