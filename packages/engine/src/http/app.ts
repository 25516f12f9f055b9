import type { TemplateRegistry } from "@hogsend/email";
import { OpenAPIHono } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import { requestId } from "hono/request-id";
import type { HogsendClient } from "../client.js";
import { createMailer } from "../email/mailer.js";
import type { HealthContent } from "../health/health.js";
import type { JourneyDefinition } from "../journeys/define-journey.js";
import { exitRulesOf } from "../journeys/exit-check.js";
import { registerApiKeyRoutes } from "../routes/admin/api-keys.js";
import { registerAuditLogRoutes } from "../routes/admin/audit-logs.js";
import { registerAdminContactPreferenceRoutes } from "../routes/admin/contact-preferences.js";
import { registerAdminContactRoutes } from "../routes/admin/contacts.js";
import { registerAdminEmailRoutes } from "../routes/admin/emails.js";
import { registerAdminEventRoutes } from "../routes/admin/events.js";
import { registerAdminJourneyRoutes } from "../routes/admin/journeys.js";
import { registerAdminTemplateRoutes } from "../routes/admin/templates.js";
import { registerAuthRoutes } from "../routes/auth.js";
import { registerContactRoutes } from "../routes/contacts.js";
import { registerDevOutboxRoutes } from "../routes/dev-outbox.js";
import { registerEmailPreferenceRoutes } from "../routes/email-preferences.js";
import { registerEmailTrackingRoutes } from "../routes/email-tracking.js";
import { registerEmailWebhookRoutes } from "../routes/email-webhooks.js";
import { registerEmailRoutes } from "../routes/emails.js";
import { registerEventRoutes } from "../routes/events.js";
import { registerHealthRoutes } from "../routes/health.js";
import { registerWebhookRoutes } from "../routes/webhooks.js";
import type { WebhookSource } from "../webhooks/define-webhook-source.js";
import { rateLimit } from "./access.js";
import { authenticate } from "./authenticate.js";
import { createErrorHandler, notFoundHandler, validationFailed } from "./errors.js";
import type { AppEnv } from "./types.js";

/** The operator's content the engine serves. */
export interface AppContent extends HealthContent {
  /** Served at POST /v1/webhooks/:sourceId. */
  webhookSources?: WebhookSource[];
  /** The journeys: the api needs their exitOn rules to end enrollments at ingest. */
  journeys?: JourneyDefinition[];
  /** The email templates: POST /v1/emails sends them; /v1/admin/templates lists and previews them. */
  templates?: TemplateRegistry;
}

/** Builds the HTTP app from the composition root; routes register here, one file per resource. */
export function createApp(client: HogsendClient, content: AppContent): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    // Validation failures from every route become the same 400 envelope.
    defaultHook: (result, c) => {
      if (!result.success) return validationFailed(c, result.error, result.target);
    },
  });
  app.use("*", requestId());
  app.onError(createErrorHandler(client.logger));
  app.notFound(notFoundHandler);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "An `hsk_` API key, or ADMIN_API_KEY",
  });

  registerHealthRoutes(app, client, content);
  registerAuthRoutes(app, client);

  // Ingest: who is calling, then each route's body limit and scope check.
  for (const path of ["/v1/events", "/v1/emails", "/v1/contacts", "/v1/contacts/*"])
    app.use(path, authenticate(client));
  const exitRules = exitRulesOf(content.journeys ?? []);
  registerEventRoutes(app, client, exitRules);
  registerContactRoutes(app, client);
  if (content.templates) {
    registerEmailRoutes(app, client, createMailer(client, { templates: content.templates, exitRules }));
  }
  registerWebhookRoutes(app, client, content.webhookSources ?? [], exitRules);
  registerEmailTrackingRoutes(app, client, exitRules);
  // The preference centre offers every category a template of this deployment can send.
  const categories = [...new Set(Object.values(content.templates ?? {}).map((t) => t.category))].filter(
    (c) => c !== "transactional",
  );
  registerEmailPreferenceRoutes(app, client, exitRules, categories.length > 0 ? { categories } : {});
  registerEmailWebhookRoutes(app, client, exitRules);

  // Admin: who is calling, then a per-caller sliding window, then each route's scope check.
  app.use("/v1/admin/*", authenticate(client));
  app.use(
    "/v1/admin/*",
    rateLimit(client.rateLimiter, client.logger, {
      bucket: "admin",
      limit: client.env.ADMIN_RATE_LIMIT_PER_MINUTE,
      windowMs: 60_000,
    }),
  );
  registerApiKeyRoutes(app, client);
  registerAuditLogRoutes(app, client);
  registerAdminContactRoutes(app, client);
  registerAdminEventRoutes(app, client);
  registerAdminJourneyRoutes(app, client, content.journeys ?? []);
  registerAdminTemplateRoutes(app, client, content.templates);
  registerAdminEmailRoutes(app, client);
  registerAdminContactPreferenceRoutes(app, client);

  if (client.env.NODE_ENV !== "production") {
    app.doc31("/openapi.json", {
      openapi: "3.1.0",
      info: { title: "Hogsend API", version: client.version },
      security: [{ bearer: [] }],
    });
    app.get("/docs", Scalar({ url: "/openapi.json", pageTitle: "Hogsend API reference" }));
    // Dev only (the outbox provider is refused in production): the route does not exist there.
    registerDevOutboxRoutes(app, client);
  }
  return app;
}
