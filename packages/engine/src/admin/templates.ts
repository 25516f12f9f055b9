import { AppError, suggest } from "@hogsend/core";
import {
  type AnyTemplateDefinition,
  parseTemplateProps,
  renderTemplateFromInput,
  type TemplateRegistry,
} from "@hogsend/email";
import { createRoute, z } from "@hono/zod-openapi";
import { requireAccess } from "../access/require-access.js";
import { errorResponses } from "../http/errors.js";
import type { ApiApp } from "../http/types.js";
import type { HogsendClient } from "../platform/client.js";
import {
  placeholderLinks,
  RenderFormatSchema,
  renderedJson,
  renderedResponses,
  setEmailHtmlHeaders,
} from "./rendered-email.js";

const TemplateSchema = z
  .object({
    key: z.string().openapi({ example: "welcome" }),
    category: z
      .string()
      .openapi({ description: "`transactional` ignores preferences; any other can be opted out of" }),
    subject: z.string().nullable().openapi({
      description:
        "The subject, rendered from the example props when it depends on them; null when they do not render",
    }),
    subjectIsDynamic: z.boolean().openapi({ description: "The subject is computed from the props" }),
    hasPropsSchema: z.boolean().openapi({ description: "Props are validated before rendering" }),
    example: z
      .record(z.string(), z.unknown())
      .openapi({ description: "The example props previews render with" }),
    exampleError: z.string().nullable().openapi({
      description: "Why the example props fail the template's own schema: a bug in the template",
    }),
  })
  .openapi("EmailTemplate");

async function describeTemplate(key: string, template: AnyTemplateDefinition) {
  const dynamic = typeof template.subject === "function";
  let subject: string | null = dynamic ? null : (template.subject as string);
  let exampleError: string | null = null;
  try {
    const props = await parseTemplateProps(template, key, template.example);
    if (typeof template.subject === "function") subject = template.subject(props);
  } catch (err) {
    exampleError = (err as Error).message;
  }
  return {
    key,
    category: template.category,
    subject,
    subjectIsDynamic: dynamic,
    hasPropsSchema: template.props !== undefined,
    example: template.example as Record<string, unknown>,
    exampleError,
  };
}

const listRoute = createRoute({
  method: "get",
  path: "/v1/admin/templates",
  tags: ["Admin"],
  summary: "The email templates this deployment was built with",
  middleware: [requireAccess("read")] as const,
  responses: {
    200: {
      description: "Every template, by key",
      content: { "application/json": { schema: z.object({ items: z.array(TemplateSchema) }) } },
    },
    ...errorResponses(401, 403, 429),
  },
});

const previewRoute = createRoute({
  method: "get",
  path: "/v1/admin/templates/{key}/preview",
  tags: ["Admin"],
  summary: "Render a template with its example props or with given ones",
  description:
    "Unsubscribe and preference links point at placeholder URLs: a preview mints no token. " +
    "`props` is JSON validated by the template's schema; a failure is a 400 naming `props.<field>`.",
  middleware: [requireAccess("read")] as const,
  request: {
    params: z.object({ key: z.string().min(1).max(200).openapi({ example: "welcome" }) }),
    query: z.object({
      props: z
        .string()
        // Percent-encoded, 2,000 characters fit the server's header limit (MAX_HEADER_BYTES).
        .max(2_000)
        .optional()
        .transform((value, ctx): unknown => {
          if (value === undefined) return undefined;
          try {
            return JSON.parse(value);
          } catch {
            ctx.addIssue({ code: "custom", message: "must be JSON" });
            return z.NEVER;
          }
        })
        .openapi({ description: "Template props as JSON; the template's example props when left out" }),
      format: RenderFormatSchema,
    }),
  },
  responses: {
    ...renderedResponses,
    ...errorResponses(400, 401, 403, 404, 429),
  },
});

/** A template of the registry by key; a 404 naming the closest key when there is none. */
export function templateByKey(registry: TemplateRegistry, key: string): AnyTemplateDefinition {
  if (Object.hasOwn(registry, key)) return registry[key] as AnyTemplateDefinition;
  const keys = Object.keys(registry).sort();
  const best = suggest(key, keys);
  throw new AppError(
    "NOT_FOUND",
    `No email template ${JSON.stringify(key)}${best ? ` (did you mean ${best}?)` : ""}; known: ${keys.join(", ") || "none"}`,
    { details: { suggestion: best ?? null } },
  );
}

export function registerAdminTemplateRoutes(
  app: ApiApp,
  runtime: { client: HogsendClient; templates: TemplateRegistry | undefined },
) {
  const { client, templates } = runtime;
  const registry: TemplateRegistry = templates ?? {};
  const keys = Object.keys(registry).sort();

  app.openapi(listRoute, async (c) => {
    const items = await Promise.all(
      keys.map((key) => describeTemplate(key, registry[key] as AnyTemplateDefinition)),
    );
    return c.json({ items }, 200);
  });

  app.openapi(previewRoute, async (c) => {
    const { key } = c.req.valid("param");
    const q = c.req.valid("query");
    const template = templateByKey(registry, key);
    const rendered = await renderTemplateFromInput(
      registry,
      key,
      q.props === undefined ? template.example : q.props,
      placeholderLinks(client.publicUrl),
    );
    if (q.format === "html") {
      setEmailHtmlHeaders(c);
      return c.html(rendered.html, 200);
    }
    if (q.format === "text") return c.text(rendered.text, 200);
    return c.json(renderedJson(rendered), 200);
  });
}
