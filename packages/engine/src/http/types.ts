import type { RequestIdVariables } from "hono/request-id";

/** Variables every request carries. */
export type AppEnv = { Variables: RequestIdVariables };
