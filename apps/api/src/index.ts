/**
 * The api run mode: env → client → boot guard → createApp → serve on PORT.
 * `node apps/api/dist/index.js` in the image, `pnpm --filter @hogsend/api dev` from source.
 */
import { checkBootSchema, createApp, createHogsendClient, loadEnv, serveApp } from "@hogsend/engine";
import pkg from "../package.json" with { type: "json" };
import { content } from "./content.js";

const env = loadEnv("api");
const client = createHogsendClient(env, { version: pkg.version, role: "api" });
const { logger } = client;

try {
  if (!(await checkBootSchema(client))) {
    await client.close();
    process.exit(1);
  }
} catch (err) {
  logger.error(
    "could not read the schema version from the database; is DATABASE_URL right and Postgres up?",
    {
      error: (err as Error).message,
    },
  );
  await client.close();
  process.exit(1);
}

const server = await serveApp(createApp(client, content), { port: env.PORT, logger });

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info(`${signal} received: draining requests and closing pools`);
  await server.close();
  await client.close();
  logger.info("api stopped");
  process.exit(0);
}
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
