import { AUTH_BASE_PATH, CLIENT_IP_HEADER, countStudioUsers } from "@hogsend/access";
import { createRoute, z } from "@hono/zod-openapi";
import { limitBody } from "../../http/body-limit.js";
import { clientIp } from "../../http/client-ip.js";
import type { ApiApp } from "../../http/types.js";
import type { HogsendClient } from "../../platform/client.js";

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

/** Sign-in, session and password bodies are a few hundred bytes; nothing under /api/auth needs more. */
export const AUTH_BODY_LIMIT_BYTES = 16 * 1024;

/** Better Auth's own routes under /api/auth, plus the setup status the Studio reads first. */
export function registerAuthRoutes(app: ApiApp, runtime: { client: HogsendClient }) {
  const { client } = runtime;
  app.on(["GET", "POST"], `${AUTH_BASE_PATH}/*`, limitBody(AUTH_BODY_LIMIT_BYTES), async (c) => {
    // Better Auth takes a forwarded header only when it holds a single address; hand it the
    // one we resolve (x-real-ip, first x-forwarded-for entry, socket) so its per-IP sign-in
    // limit never falls back to one bucket shared by everyone.
    const headers = new Headers(c.req.raw.headers);
    headers.set(CLIENT_IP_HEADER, clientIp(c));
    // The body limit (and its JSON check) read the body already: hand over the text it kept.
    const body = c.req.method === "POST" ? await c.req.text() : undefined;
    return client.auth.handler(new Request(c.req.url, { method: c.req.method, headers, body }));
  });
  app.openapi(statusRoute, async (c) =>
    c.json({ needsSetup: (await countStudioUsers(client.db.db)) === 0 }, 200),
  );
}
