import { OpenAPIHono } from "@hono/zod-openapi";
import { requestId } from "hono/request-id";
import type { HogsendClient } from "../client.js";
import type { HealthContent } from "../health/health.js";
import { registerHealthRoutes } from "../routes/health.js";
import { createErrorHandler, notFoundHandler, validationFailed } from "./errors.js";
import type { AppEnv } from "./types.js";

/** The operator's content the engine serves: for now the client track's journal. */
export type AppContent = HealthContent;

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

  registerHealthRoutes(app, client, content);

  if (client.env.NODE_ENV !== "production") {
    app.doc31("/openapi.json", {
      openapi: "3.1.0",
      info: { title: "Hogsend API", version: client.version },
    });
  }
  return app;
}
