import {
  type EmailTokenClaims,
  type EmailTokenPurpose,
  type TemplateRegistry,
  verifyEmailToken,
} from "@hogsend/email";
import { createRoute, z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { limitBody } from "../../http/body-limit.js";
import { errorResponses } from "../../http/errors.js";
import { sendPage } from "../../http/html-pages.js";
import type { ApiApp, AppEnv } from "../../http/types.js";
import type { IngestService } from "../../ingest/ingest-service.js";
import type { HogsendClient } from "../../platform/client.js";
import { isUuid } from "../email-event.js";
import { EMAIL_PATHS } from "../links.js";
import { loadPreferenceCentre, savePreferences } from "./preference-centre.js";
import {
  goneContactPage,
  invalidLinkPage,
  invalidRequestPage,
  preferenceCentrePage,
  preferencesSavedPage,
  type TokenProblem,
  unknownCategoriesPage,
  unsubscribeConfirmPage,
  unsubscribedPage,
  unsupportedBodyPage,
} from "./preference-pages.js";
import {
  preferencesTokenFor,
  type UnsubscribeTarget,
  unsubscribeContact,
  unsubscribeState,
} from "./unsubscribe.js";

/*
 * Token purposes: the unsubscribe routes take only `unsubscribe` tokens (the List-Unsubscribe
 * header's and the footer's), the preference centre only `preferences` tokens. The unsubscribe
 * page links to the centre with a preferences token it mints for the same contact (the email
 * carries one anyway), expiring no later than the token it came from: a link never outlives the
 * one it came from. Tokens are read from the query string only, never from a form body.
 */

const FORM_BODY_LIMIT_BYTES = 16 * 1024;

const TokenQuerySchema = z.object({
  token: z.string().optional().openapi({ description: "The signed token from the email's link" }),
});

const UnsubscribeFormSchema = z
  .object({
    "List-Unsubscribe": z.string().optional().openapi({
      description: "`One-Click`: an RFC 8058 one-click unsubscribe from a mailbox provider",
      example: "One-Click",
    }),
    scope: z
      .enum(["category", "all"])
      .optional()
      .openapi({
        description:
          "From the confirmation page: `category` (the email's category) or `all`. Without it, the " +
          "token's category is unsubscribed, or all email when it names none.",
      }),
  })
  .openapi("UnsubscribeForm");

const stringOrList = z.union([z.string(), z.array(z.string())]);

const PreferencesFormSchema = z
  .object({
    category: stringOrList.optional().openapi({ description: "Categories to keep receiving (ticked)" }),
    shown: stringOrList
      .optional()
      .openapi({ description: "Categories the form showed; only these change. Default: all offered" }),
    unsubscribe_all: z.string().optional().openapi({ description: "Present: unsubscribe from all email" }),
  })
  .openapi("PreferencesForm");

const htmlContent = { "text/html": { schema: z.string().openapi({ description: "An HTML page" }) } };
const formContent = <S extends z.ZodType>(schema: S) => ({
  "application/x-www-form-urlencoded": { schema },
  "multipart/form-data": { schema },
});
const htmlResponse = (description: string) => ({ description, content: htmlContent });

const unsubscribePageRoute = createRoute({
  method: "get",
  path: EMAIL_PATHS.unsubscribe,
  tags: ["Email"],
  summary: "Unsubscribe confirmation page",
  description:
    "Shows what the link would unsubscribe from, with a form that POSTs to the same URL. Changes " +
    "nothing: link scanners follow GETs.",
  security: [],
  request: { query: TokenQuerySchema },
  responses: {
    200: htmlResponse("The confirmation page"),
    400: htmlResponse("The link is invalid or has expired; nothing changed"),
    404: htmlResponse("The contact no longer exists"),
  },
});

const unsubscribeRoute = createRoute({
  method: "post",
  path: EMAIL_PATHS.unsubscribe,
  tags: ["Email"],
  summary: "Unsubscribe (RFC 8058 one-click, or the confirmation page's form)",
  description:
    "Stores the unsubscribe, then answers 200. Idempotent: a repeat answers 200 and emits nothing. " +
    "Emits `email.unsubscribed` when it changes something.",
  security: [],
  middleware: [limitBody(FORM_BODY_LIMIT_BYTES), formBodyOnly()] as const,
  request: {
    query: TokenQuerySchema,
    body: { required: false, content: formContent(UnsubscribeFormSchema) },
  },
  responses: {
    200: {
      description: "Unsubscribed (a plain-text answer to a one-click POST, a page otherwise)",
      content: { ...htmlContent, "text/plain": { schema: z.string() } },
    },
    400: htmlResponse("The link is invalid or has expired, or the form is; nothing changed"),
    ...errorResponses(413),
    415: htmlResponse("Not a form body; nothing changed"),
  },
});

const preferencesPageRoute = createRoute({
  method: "get",
  path: EMAIL_PATHS.preferences,
  tags: ["Email"],
  summary: "Preference centre",
  description: "A form with a checkbox per email category and one for all email; works without JavaScript.",
  security: [],
  request: { query: TokenQuerySchema },
  responses: {
    200: htmlResponse("The preference centre"),
    400: htmlResponse("The link is invalid or has expired"),
    404: htmlResponse("The contact no longer exists"),
  },
});

const savePreferencesRoute = createRoute({
  method: "post",
  path: EMAIL_PATHS.preferences,
  tags: ["Email"],
  summary: "Save the preference centre's form",
  description:
    "Categories shown but not ticked are opted out of, ticked ones re-subscribed; `unsubscribe_all` " +
    "sets or lifts the global unsubscribe. Emits `email.unsubscribed` per new unsubscribe and " +
    "`email.resubscribed` per lifted one. A category the centre does not offer refuses the form.",
  security: [],
  middleware: [limitBody(FORM_BODY_LIMIT_BYTES), formBodyOnly()] as const,
  request: {
    query: TokenQuerySchema,
    body: { required: false, content: formContent(PreferencesFormSchema) },
  },
  responses: {
    200: htmlResponse("Saved"),
    400: htmlResponse(
      "The link is invalid or has expired, or the form names an unknown category; nothing changed",
    ),
    404: htmlResponse("The contact no longer exists"),
    ...errorResponses(413),
    415: htmlResponse("Not a form body; nothing changed"),
  },
});

/**
 * The categories the preference centre offers: every one a template of this deployment can send,
 * transactional excluded. Undefined without templates: the centre then offers the categories of
 * mail the contact was sent, plus any they opted out of.
 */
export function preferenceCategoriesOf(templates: TemplateRegistry | undefined): string[] | undefined {
  const categories = [...new Set(Object.values(templates ?? {}).map((t) => t.category))].filter(
    (c) => c !== "transactional",
  );
  return categories.length > 0 ? categories : undefined;
}

/**
 * GET/POST /v1/email/unsubscribe and GET/POST /v1/email/preferences: the public pages an email's
 * unsubscribe and preference links lead to, and the RFC 8058 one-click endpoint.
 */
export function registerEmailPreferenceRoutes(
  app: ApiApp,
  runtime: { client: HogsendClient; ingest: IngestService; templates: TemplateRegistry | undefined },
) {
  const { client, ingest } = runtime;
  const options = { categories: preferenceCategoriesOf(runtime.templates) };
  const secret = client.env.BETTER_AUTH_SECRET;
  const verify = (token: string | undefined, purpose: EmailTokenPurpose) =>
    verifyToken(token, secret, purpose);
  // A query or form that fails its schema gets the same page as any bad request: nothing changed.
  const refuseInvalid = (result: { success: boolean }, c: Context) => {
    if (!result.success) return sendPage(c, 400, invalidRequestPage());
  };

  app.openapi(
    unsubscribePageRoute,
    async (c) => {
      const token = verify(c.req.valid("query").token, "unsubscribe");
      if (!token.ok) return sendPage(c, 400, invalidLinkPage(token.error));
      const state = await unsubscribeState(client, token.claims);
      if (!state) return sendPage(c, 404, goneContactPage());
      const page = unsubscribeConfirmPage({
        ...state,
        token: token.raw,
        preferencesToken: preferencesTokenFor(token.claims, secret),
        category: token.claims.category,
      });
      return sendPage(c, 200, page);
    },
    refuseInvalid,
  );

  app.openapi(
    unsubscribeRoute,
    async (c) => {
      const token = verify(c.req.valid("query").token, "unsubscribe");
      if (!token.ok) return sendPage(c, 400, invalidLinkPage(token.error));
      const { claims } = token;
      const form = c.req.valid("form");
      // RFC 8058 one-click (or a bare POST) unsubscribes from what the token names: its category,
      // else everything. The confirmation page's buttons say which explicitly.
      const oneClick = form.scope === undefined && form["List-Unsubscribe"] !== undefined;
      if (form.scope === "category" && !claims.category) return sendPage(c, 400, invalidRequestPage());
      const target: UnsubscribeTarget =
        form.scope !== "all" && claims.category
          ? { scope: "category", category: claims.category }
          : { scope: "all" };

      const outcome = await unsubscribeContact(client, claims, target, {
        via: oneClick ? "one-click" : "unsubscribe-page",
        events: ingest,
      });
      if (oneClick) return c.text("Unsubscribed", 200, { "Cache-Control": "no-store" });
      if (outcome.status === "no_contact") return sendPage(c, 200, goneContactPage());
      return sendPage(c, 200, unsubscribedPage(target, preferencesTokenFor(claims, secret)));
    },
    refuseInvalid,
  );

  app.openapi(
    preferencesPageRoute,
    async (c) => {
      const token = verify(c.req.valid("query").token, "preferences");
      if (!token.ok) return sendPage(c, 400, invalidLinkPage(token.error));
      const state = await loadPreferenceCentre(client, token.claims, options.categories);
      if (!state) return sendPage(c, 404, goneContactPage());
      return sendPage(c, 200, preferenceCentrePage(state, token.raw));
    },
    refuseInvalid,
  );

  app.openapi(
    savePreferencesRoute,
    async (c) => {
      const token = verify(c.req.valid("query").token, "preferences");
      if (!token.ok) return sendPage(c, 400, invalidLinkPage(token.error));
      const form = c.req.valid("form");
      const outcome = await savePreferences(
        client,
        token.claims,
        {
          subscribed: asList(form.category),
          shown: form.shown === undefined ? undefined : asList(form.shown),
          unsubscribeAll: form.unsubscribe_all !== undefined,
        },
        { configured: options.categories, events: ingest },
      );
      if (outcome.status === "no_contact") return sendPage(c, 404, goneContactPage());
      if (outcome.status === "unknown_categories")
        return sendPage(c, 400, unknownCategoriesPage(outcome.categories, token.raw));
      return sendPage(c, 200, preferencesSavedPage(outcome.state, token.raw));
    },
    refuseInvalid,
  );
}

type VerifiedToken = { ok: true; claims: EmailTokenClaims; raw: string } | { ok: false; error: TokenProblem };

function verifyToken(token: string | undefined, secret: string, purpose: EmailTokenPurpose): VerifiedToken {
  if (!token) return { ok: false, error: "missing" };
  const result = verifyEmailToken(token, secret, { purpose });
  if (!result.ok) return result;
  // Signed by us, so it holds; checked anyway before it reaches a uuid column.
  if (!isUuid(result.claims.contactId)) return { ok: false, error: "malformed" };
  return { ok: true, claims: result.claims, raw: token };
}

/** Anything but a form body is refused before it is parsed, as a page rather than a JSON error. */
function formBodyOnly(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const type = c.req.header("content-type")?.toLowerCase() ?? "";
    const hasBody = Number(c.req.header("content-length") ?? 0) > 0 || c.req.header("transfer-encoding");
    const isForm =
      type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data");
    if ((type !== "" && !isForm) || (type === "" && hasBody)) return sendPage(c, 415, unsupportedBodyPage());
    if (isForm) {
      // Parsed here (Hono keeps the result for the route) so a malformed form is this page's
      // 400, not the API's JSON error envelope.
      try {
        await c.req.parseBody({ all: true });
      } catch {
        return sendPage(c, 400, invalidRequestPage());
      }
    }
    await next();
  };
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
