import type { Principal } from "@hogsend/access";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { RequestIdVariables } from "hono/request-id";

/** Variables every request carries. `principal` is set once the caller is authenticated. */
export type AppEnv = {
  Variables: RequestIdVariables & {
    principal?: Principal;
    /** The caller's address, as `resolveClientIp` settled it (see TRUSTED_PROXIES). */
    clientIp?: string;
    /** `limitBody` ran: the admin-wide limit, or a route's own (whichever came first). */
    bodyLimited?: true;
  };
};

/** The HTTP app every route module registers on: `registerXRoutes(app, runtime)`. */
export type ApiApp = OpenAPIHono<AppEnv>;
