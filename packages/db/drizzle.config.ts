import { defineConfig } from "drizzle-kit";

// Engine track: generated from packages/db/src/schema into packages/db/drizzle.
export default defineConfig({
  dialect: "postgresql",
  schema: "./packages/db/src/schema/index.ts",
  out: "./packages/db/drizzle",
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://localhost:5434/growthhog" },
  migrations: { schema: "drizzle", table: "__drizzle_migrations" },
  strict: true,
  verbose: true,
});
