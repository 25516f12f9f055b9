import { randomInt, randomUUID } from "node:crypto";
import { createApiKey, createStudioUser } from "@hogsend/access";
import type { ApiKeyScope, StudioRole } from "@hogsend/db";
import {
  createTestDatabase,
  type ProvidedStack,
  type TestDatabase,
  testStack,
} from "@hogsend/devstack/testing";
import { afterAll, beforeAll } from "vitest";
import { type Env, readEnv } from "./env.js";
import { createHogsendClient, type HogsendClient } from "./platform/client.js";
import { createLogger } from "./platform/logger.js";
import { createApp } from "./runtime/create-app.js";
import {
  createRuntime,
  type Runtime,
  type RuntimeContent,
  type RuntimeOptions,
} from "./runtime/create-runtime.js";
import { createWorker } from "./runtime/create-worker.js";

/** A valid env for tests, pointed at the run's stack, with overrides (undefined unsets). */
export function testEnv(stack: ProvidedStack, overrides: Record<string, string | undefined> = {}): Env {
  const source: Record<string, string | undefined> = {
    NODE_ENV: "test",
    LOG_LEVEL: "error",
    DATABASE_URL: stack.DATABASE_URL,
    REDIS_URL: stack.REDIS_URL,
    BETTER_AUTH_SECRET: "test-secret-test-secret-test-secret-42",
    HATCHET_CLIENT_TOKEN: stack.HATCHET_CLIENT_TOKEN,
    HATCHET_CLIENT_HOST_PORT: stack.HATCHET_CLIENT_HOST_PORT,
    HATCHET_CLIENT_TLS_STRATEGY: stack.HATCHET_CLIENT_TLS_STRATEGY,
    HATCHET_CLIENT_NAMESPACE: stack.HATCHET_CLIENT_NAMESPACE,
    EMAIL_FROM: "Hogsend Tests <tests@hogsend.test>",
    // Production requires a provider key; point it at a closed local port so no test mail can
    // leave the machine. Without NODE_ENV=production the outbox provider is in effect.
    ...(overrides.NODE_ENV === "production"
      ? {
          RESEND_API_KEY: "re_test_key",
          RESEND_BASE_URL: "http://127.0.0.1:9",
          API_PUBLIC_URL: "https://hogsend.test",
        }
      : {}),
    ...overrides,
  };
  const result = readEnv(source);
  if (!result.ok) throw new Error(`test env invalid: ${JSON.stringify(result.issues)}`);
  return result.env;
}

/** A client on the run's stack (`testEnv` with `env`), logging nothing. The caller closes it. */
export function testClient(
  env: Record<string, string | undefined> = {},
  options: { role?: string } = {},
): HogsendClient {
  return createHogsendClient(testEnv(testStack(), env), {
    version: "test",
    role: options.role ?? "api",
    logger: createLogger({ level: "error", json: true, write: () => {} }),
  });
}

/** A runtime over the client with `content` (`clientJournal` defaults to null). */
export function testRuntime(
  client: HogsendClient,
  content: Partial<RuntimeContent> = {},
  options: RuntimeOptions = {},
): Runtime {
  return createRuntime(client, { clientJournal: null, ...content }, options);
}

export interface TestAppOptions<S extends ApiKeyScope> {
  /**
   * Env overrides on top of the file's own `DATABASE_URL` (undefined unsets); a function is read
   * in `beforeAll`, after the file's earlier hooks (say, a fake provider's URL).
   */
  env?: Record<string, string | undefined> | (() => Record<string, string | undefined>);
  /** The client's role: `api` (default) or `worker` (the mailer then dispatches through Hatchet). */
  role?: string;
  /**
   * Also runs a worker on the same runtime, started before the tests and stopped after them, with
   * the worker's background loops (the email dispatcher, the outbox pusher's sweep).
   */
  worker?: { name: string; slots?: number };
  /** What the runtime serves; `clientJournal` defaults to null. */
  content?: Partial<RuntimeContent>;
  /** A key is minted for each scope, its secret in `keys[scope]`. */
  keys?: readonly S[];
}

export interface TestRequest {
  method?: string;
  /** Sent as JSON, with `content-type: application/json`. */
  body?: unknown;
  /** An API key secret, sent as the bearer. */
  key?: string;
  headers?: Record<string, string>;
}

export interface TestApp<S extends ApiKeyScope> {
  /** This file's database, a clone of the migrated template. */
  readonly database: TestDatabase;
  readonly client: HogsendClient;
  /** The runtime the app was built from (its ingest, mailer, journeys). */
  readonly runtime: Runtime;
  readonly app: ReturnType<typeof createApp>;
  /** The worker, when `options.worker` asked for one. */
  readonly worker: Awaited<ReturnType<typeof createWorker>> | undefined;
  /** The secret of the key minted for each scope in `options.keys`. */
  readonly keys: Readonly<Record<S, string>>;
  request(path: string, init?: TestRequest): Promise<Response>;
  /** Another client on this file's database with only `env` on top (not `options.env`), closed after the file. */
  newClient(env?: Record<string, string | undefined>): HogsendClient;
}

/**
 * The api against a database of the file's own: registers a `beforeAll` that creates the
 * database, the client, the runtime, the app, the keys and (with `worker`) a started worker, and
 * an `afterAll` that stops the worker, closes the clients and drops the database. Read its fields inside hooks and tests, once `beforeAll` has run.
 */
export function setupTestApp<S extends ApiKeyScope = never>(options: TestAppOptions<S> = {}): TestApp<S> {
  let database: TestDatabase | undefined;
  let client: HogsendClient | undefined;
  let runtime: Runtime | undefined;
  let app: ReturnType<typeof createApp> | undefined;
  let worker: Awaited<ReturnType<typeof createWorker>> | undefined;
  const keys: Partial<Record<S, string>> = {};
  const extraClients: HogsendClient[] = [];
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined)
      throw new Error("setupTestApp: read its fields in hooks or tests, after beforeAll");
    return value;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = typeof options.env === "function" ? options.env() : options.env;
    client = testClient({ DATABASE_URL: database.url, ...env }, { role: options.role ?? "api" });
    // With a worker, the runtime also does the worker's background work: the email dispatcher
    // sends what the journeys and the api enqueue, and the outbox pusher runs with its sweep.
    runtime = testRuntime(
      client,
      options.content,
      options.worker ? { loops: ["event-outbox", "email-dispatcher"] } : {},
    );
    app = createApp(runtime);
    if (options.worker) {
      worker = await createWorker(runtime, options.worker);
      await worker.start();
      runtime.start();
    }
    for (const scope of options.keys ?? []) {
      keys[scope] = (
        await createApiKey(client.db.db, { name: scope, scopes: [scope], createdBy: "test" })
      ).secret;
    }
  });
  afterAll(async () => {
    await worker?.stop();
    await runtime?.stop();
    await Promise.all([client, ...extraClients].map((c) => c?.close()));
    await database?.drop();
  });

  return {
    get database() {
      return ready(database);
    },
    get client() {
      return ready(client);
    },
    get runtime() {
      return ready(runtime);
    },
    get app() {
      return ready(app);
    },
    get worker() {
      return worker;
    },
    keys: keys as Record<S, string>,
    request: async (path, { method, body, key, headers } = {}) =>
      ready(app).request(path, {
        ...(method ? { method } : {}),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        headers: {
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...headers,
        },
      }),
    newClient: (env = {}) => {
      const created = testClient({ DATABASE_URL: ready(database).url, ...env });
      extraClients.push(created);
      return created;
    },
  };
}

/**
 * Signs in to Studio over HTTP; the session cookie (name=value) and the answer. Sign-in is limited
 * per IP in the run's shared Redis, so each call comes from a random address of its own: another
 * file exhausting its address's limit never lands on this one.
 */
export async function signInStudio(
  api: Pick<TestApp<never>, "request">,
  email: string,
  password: string,
  ip = `10.14.${randomInt(256)}.${randomInt(256)}`,
) {
  const res = await api.request("/api/auth/sign-in/email", {
    method: "POST",
    body: { email, password },
    headers: { "x-real-ip": ip },
  });
  return { res, cookie: res.headers.get("set-cookie")?.split(";")[0] ?? "" };
}

/** A new Studio user with `role`, signed in: its id, email, password and session cookie. */
export async function studioUserWithRole(api: Pick<TestApp<never>, "request" | "client">, role: StudioRole) {
  const email = `${role}-${randomUUID()}@example.com`;
  const password = `pw-${randomUUID()}`;
  const { id } = await createStudioUser(api.client.auth, { email, password, role });
  const { cookie } = await signInStudio(api, email, password);
  // Over https (API_PUBLIC_URL) the cookie is __Secure- prefixed.
  if (!/^(__Secure-)?hogsend\.session_token=/.test(cookie))
    throw new Error(`sign-in as ${email} set no session`);
  return { id, email, password, cookie };
}
