import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { countStudioUsers } from "../auth/admin-users.js";
import { AUTH_BASE_PATH } from "../auth/better-auth.js";
import type { HogsendClient } from "../client.js";
import type { AppEnv } from "../http/types.js";

const statusRoute = createRoute({
  method: "get",
  path: "/v1/auth/status",
  tags: ["Auth"],
  summary: "Whether the Studio still needs its first admin",
  responses: {
    200: {
      description: "Setup state",
      content: {
        "application/json": {
          schema: z.object({
            needsSetup: z.boolean().openapi({
              description:
                "No Studio user exists yet: set STUDIO_ADMIN_EMAIL or run `hogsend studio admin create`",
            }),
          }),
        },
      },
    },
  },
});

/** Better Auth's own routes under /api/auth, plus the setup status the Studio reads first. */
export function registerAuthRoutes(app: OpenAPIHono<AppEnv>, client: HogsendClient) {
  app.on(["GET", "POST"], `${AUTH_BASE_PATH}/*`, (c) => client.auth.handler(c.req.raw));
  app.openapi(statusRoute, async (c) =>
    c.json({ needsSetup: (await countStudioUsers(client.db.db)) === 0 }, 200),
  );
}
