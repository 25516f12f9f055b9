import { OpenAPIHono } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import { requestId } from "hono/request-id";
import { authenticate } from "../access/authenticate.js";
import { rateLimit } from "../access/require-access.js";
import { registerApiKeyRoutes } from "../access/routes/api-keys.js";
import { registerAuditLogRoutes } from "../access/routes/audit-logs.js";
import { registerAuthRoutes } from "../access/routes/auth.js";
import { registerUserRoutes } from "../access/routes/users.js";
import { registerAdminContactPreferenceRoutes } from "../admin/contact-preferences.js";
import { registerContactPrivacyRoutes } from "../admin/contact-privacy.js";
import { registerAdminContactRoutes } from "../admin/contacts.js";
import { registerAdminEmailRenderedRoute } from "../admin/email-rendered.js";
import { registerAdminEmailRoutes } from "../admin/emails.js";
import { registerAdminEventRoutes } from "../admin/events.js";
import { registerAdminJourneyStateDetailRoute } from "../admin/journey-state-detail.js";
import { registerAdminJourneyRoutes } from "../admin/journeys.js";
import { registerTemplateTestSendRoute } from "../admin/template-test-send.js";
import { registerAdminTemplateRoutes } from "../admin/templates.js";
import { registerEmailWebhookRoutes } from "../email/engagement/routes/provider-webhooks.js";
import { registerEmailTrackingRoutes } from "../email/engagement/routes/tracking.js";
import { registerDevOutboxRoutes } from "../email/outbound/routes/dev-outbox.js";
import { registerEmailRoutes } from "../email/outbound/routes/emails.js";
import { registerEmailPreferenceRoutes } from "../email/preferences/routes.js";
import { registerHealthRoutes } from "../health/routes.js";
import { limitBody } from "../http/body-limit.js";
import { parseTrustedProxies, resolveClientIp } from "../http/client-ip.js";
import { createErrorHandler, notFoundHandler, validationFailed } from "../http/errors.js";
import type { AppEnv } from "../http/types.js";
import { registerContactRoutes } from "../ingest/routes/contacts.js";
import { registerEventRoutes } from "../ingest/routes/events.js";
import { registerWebhookRoutes } from "../sources/routes.js";
import { findStudioAssetsDir } from "../studio/assets-dir.js";
import { registerStudioRoutes } from "../studio/routes.js";
import type { Runtime } from "./create-runtime.js";

/** Admin bodies are keys, flags and preferences: small. */
const ADMIN_BODY_LIMIT_BYTES = 64 * 1024;

/** Builds the HTTP app from the composition root; routes register here, one file per resource. */
export function createApp(runtime: Runtime): OpenAPIHono<AppEnv> {
  const { client } = runtime;
  const app = new OpenAPIHono<AppEnv>({
    // Validation failures from every route become the same 400 envelope.
    defaultHook: (result, c) => {
      if (!result.success) return validationFailed(c, result.error, result.target);
    },
  });
  app.use("*", requestId());
  app.use("*", resolveClientIp(parseTrustedProxies(client.env.TRUSTED_PROXIES)));
  app.onError(createErrorHandler(client.logger));
  app.notFound(notFoundHandler);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "An `hsk_` API key, or ADMIN_API_KEY",
  });

  registerHealthRoutes(app, runtime);
  registerAuthRoutes(app, runtime);

  // Ingest: who is calling, then each route's body limit and scope check.
  for (const path of ["/v1/events", "/v1/emails", "/v1/contacts", "/v1/contacts/*"])
    app.use(path, authenticate(client));
  registerEventRoutes(app, runtime);
  registerContactRoutes(app, runtime);
  if (runtime.mailer) registerEmailRoutes(app, { client, mailer: runtime.mailer });
  registerWebhookRoutes(app, runtime);
  registerEmailTrackingRoutes(app, runtime);
  registerEmailPreferenceRoutes(app, runtime);
  registerEmailWebhookRoutes(app, runtime);

  // Admin: who is calling, then a per-caller sliding window, then each route's scope check.
  app.use("/v1/admin/*", authenticate(client));
  app.use("/v1/admin/*", limitBody(ADMIN_BODY_LIMIT_BYTES));
  app.use(
    "/v1/admin/*",
    rateLimit(client.rateLimiter, client.logger, {
      bucket: "admin",
      limit: client.env.ADMIN_RATE_LIMIT_PER_MINUTE,
      windowMs: 60_000,
    }),
  );
  registerApiKeyRoutes(app, runtime);
  registerAuditLogRoutes(app, runtime);
  registerUserRoutes(app, runtime);
  registerAdminContactRoutes(app, runtime);
  registerContactPrivacyRoutes(app, runtime);
  registerAdminEventRoutes(app, runtime);
  registerAdminJourneyRoutes(app, runtime);
  registerAdminJourneyStateDetailRoute(app, runtime);
  registerAdminTemplateRoutes(app, runtime);
  registerTemplateTestSendRoute(app, runtime);
  registerAdminEmailRoutes(app, runtime);
  registerAdminEmailRenderedRoute(app, runtime);
  registerAdminContactPreferenceRoutes(app, runtime);
  let studioAssets: string | undefined;
  registerStudioRoutes(app, { assetsDir: () => (studioAssets ??= findStudioAssetsDir()) });

  if (client.env.NODE_ENV !== "production") {
    app.doc31("/openapi.json", {
      openapi: "3.1.0",
      info: { title: "Hogsend API", version: client.version },
      security: [{ bearer: [] }],
    });
    app.get("/docs", Scalar({ url: "/openapi.json", pageTitle: "Hogsend API reference" }));
    // No auth: served only while mail goes to the outbox (a provider production refuses), so a
    // deploy that sends real mail in development mode exposes no old outbox either.
    if (client.email.id === "outbox") registerDevOutboxRoutes(app, runtime);
  }
  return app;
}
