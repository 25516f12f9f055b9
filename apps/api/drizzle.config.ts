import { defineConfig } from "drizzle-kit";

// Client track: generated from apps/api/src/schema into /migrations.
export default defineConfig({
  dialect: "postgresql",
  schema: "./apps/api/src/schema/index.ts",
  out: "./migrations",
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://localhost:5434/growthhog" },
  migrations: { schema: "drizzle", table: "__client_migrations" },
  strict: true,
  verbose: true,
});
