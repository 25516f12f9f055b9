import { type Database, schema } from "@hogsend/db";
import { type BetterAuthOptions, betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";

export interface AuthConfig {
  db: Database;
  secret: string;
  /** Public base URL of the api (Better Auth builds callback URLs from it). */
  baseURL: string;
  trustedOrigins: string[];
  /** Redis in production: sessions and auth rate limits hold across replicas. */
  secondaryStorage?: BetterAuthOptions["secondaryStorage"];
  /** Secure cookies outside development. */
  secureCookies: boolean;
}

export const AUTH_BASE_PATH = "/api/auth";
/** Internal header carrying the resolved client IP into Better Auth (overwritten on every request). */
export const CLIENT_IP_HEADER = "x-hogsend-client-ip";
export const SESSION_TTL_SECONDS = 7 * 24 * 60 * 60;
export const SIGN_IN_LIMIT = { window: 60, max: 10 };

/**
 * Better Auth for Studio users: email and password, sign-up closed for everyone (admins are
 * minted from the server), 7-day sessions, sign-in limited per IP. Takes its config as
 * parameters and reads no env.
 */
export function createAuth(config: AuthConfig) {
  return betterAuth({
    appName: "Hogsend",
    secret: config.secret,
    baseURL: config.baseURL,
    basePath: AUTH_BASE_PATH,
    trustedOrigins: config.trustedOrigins,
    database: drizzleAdapter(config.db, {
      provider: "pg",
      schema: {
        user: schema.user,
        session: schema.session,
        account: schema.account,
        verification: schema.verification,
      },
    }),
    ...(config.secondaryStorage ? { secondaryStorage: config.secondaryStorage } : {}),
    // The role column (viewer/operator/admin) rides on the session's user, so `authenticate`
    // needs no second query; only server code sets it.
    user: { additionalFields: { role: { type: "string", required: false, input: false } } },
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 8, maxPasswordLength: 256 },
    session: {
      expiresIn: SESSION_TTL_SECONDS,
      updateAge: 24 * 60 * 60,
      // Kept in Postgres too, so the CLI can revoke sessions and a Redis flush logs nobody out.
      storeSessionInDatabase: true,
    },
    rateLimit: {
      // On in every NODE_ENV (Better Auth's default is production only): the limit is a
      // security property we test.
      enabled: true,
      window: 60,
      max: 100,
      storage: config.secondaryStorage ? "secondary-storage" : "memory",
      customRules: { "/sign-in/email": SIGN_IN_LIMIT },
    },
    advanced: {
      cookiePrefix: "hogsend",
      useSecureCookies: config.secureCookies,
      // Set by our /api/auth route from x-real-ip, the first x-forwarded-for entry or the socket.
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
    },
    telemetry: { enabled: false },
  });
}

export type Auth = ReturnType<typeof createAuth>;
