import { content } from "@hogsend/api/content";
import { createApp, createHogsendClient, createLogger, createRuntime, readEnv } from "@hogsend/engine";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
/** A token in Hatchet's JWT shape (the SDK reads its claims at init), unsigned and pointing nowhere. */
const UNUSABLE_HATCHET_TOKEN = [
  b64({ alg: "none", typ: "JWT" }),
  b64({
    sub: "00000000-0000-0000-0000-000000000000",
    server_url: "http://127.0.0.1:9",
    grpc_broadcast_address: "127.0.0.1:9",
  }),
  "unsigned",
].join(".");

/**
 * The OpenAPI document `createApp` serves with the deployment's content, made without any
 * service running: building the app and asking it for /openapi.json opens no connection that
 * is used (the addresses below are closed ports), and the client is closed after.
 */
export async function openApiDocument(): Promise<unknown> {
  const parsed = readEnv({
    NODE_ENV: "development",
    LOG_LEVEL: "error",
    DATABASE_URL: "postgres://openapi@127.0.0.1:9/openapi",
    BETTER_AUTH_SECRET: "openapi-document-only-openapi-document-only",
    HATCHET_CLIENT_TOKEN: UNUSABLE_HATCHET_TOKEN,
    HATCHET_CLIENT_HOST_PORT: "127.0.0.1:9",
    EMAIL_FROM: "Hogsend <openapi@hogsend.test>",
  });
  if (!parsed.ok) throw new Error(`openapi env invalid: ${JSON.stringify(parsed.issues)}`);
  const logger = createLogger({ level: "error", json: true, write: () => {} });
  const client = createHogsendClient(parsed.env, { version: "openapi", role: "api", logger });
  try {
    const app = createApp(createRuntime(client, content));
    const res = await app.request("/openapi.json");
    if (!res.ok) throw new Error(`/openapi.json answered ${res.status}`);
    const doc = (await res.json()) as { info: { version: string } };
    // The version is the package's, not the API's shape: pin it so a release is no drift.
    doc.info.version = "studio";
    return doc;
  } finally {
    await client.close();
  }
}
