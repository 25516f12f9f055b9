import type { RequestIdVariables } from "hono/request-id";
import type { Principal } from "../auth/principal.js";

/** Variables every request carries. `principal` is set once the caller is authenticated. */
export type AppEnv = { Variables: RequestIdVariables & { principal?: Principal } };
