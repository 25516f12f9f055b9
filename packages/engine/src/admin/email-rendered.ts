import { AppError } from "@hogsend/core";
import { emailSendById, sendWasErased } from "@hogsend/db";
import { renderTemplateFromInput, type TemplateRegistry } from "@hogsend/email";
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

const renderedRoute = createRoute({
  method: "get",
  path: "/v1/admin/emails/{id}/rendered",
  tags: ["Admin"],
  summary: "The email a send delivered, rendered again",
  description:
    "Renders the send's template with the props stored on the send, as a redrive would. Links are " +
    "the template's own (not the tracked ones), and the unsubscribe and preference links are " +
    "placeholders, so looking at an email clicks and unsubscribes nothing. The subject is the one " +
    "sent. It is the current template code: a template changed since renders as it is now. A send " +
    "whose contact was erased, whose template left the deployment, or whose props the template " +
    "now refuses is a 409 saying which.",
  middleware: [requireAccess("read")] as const,
  request: {
    params: z.object({ id: z.uuid() }),
    query: z.object({ format: RenderFormatSchema }),
  },
  responses: { ...renderedResponses, ...errorResponses(400, 401, 403, 404, 409, 429) },
});

export function registerAdminEmailRenderedRoute(
  app: ApiApp,
  runtime: { client: HogsendClient; templates: TemplateRegistry | undefined },
) {
  const { client } = runtime;
  const registry: TemplateRegistry = runtime.templates ?? {};

  app.openapi(renderedRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { format } = c.req.valid("query");
    const send = await emailSendById(client.db.db, id);
    if (!send) throw new AppError("NOT_FOUND", `No email send ${id}`);
    if (sendWasErased(send))
      throw new AppError("CONFLICT", `Email send ${id} belonged to an erased contact: its body is gone`);
    if (!Object.hasOwn(registry, send.template))
      throw new AppError(
        "CONFLICT",
        `Email send ${id} used the template ${JSON.stringify(send.template)}, which this deployment no longer has`,
      );
    let rendered: Awaited<ReturnType<typeof renderTemplateFromInput>>;
    try {
      rendered = await renderTemplateFromInput(
        registry,
        send.template,
        send.props,
        placeholderLinks(client.publicUrl),
      );
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== "VALIDATION_FAILED") throw err;
      throw new AppError(
        "CONFLICT",
        `The props stored on email send ${id} no longer pass the ${send.template} template's schema (${err.message})`,
        { details: err.details },
      );
    }
    const sent = { ...rendered, subject: send.subject };
    if (format === "html") {
      setEmailHtmlHeaders(c);
      return c.html(sent.html, 200);
    }
    if (format === "text") return c.text(sent.text, 200);
    return c.json(renderedJson(sent), 200);
  });
}
