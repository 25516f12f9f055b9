import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { inject } from "vitest";
import { identifier } from "./postgres.js";

export { type EventuallyOptions, eventually } from "./eventually.js";

/** What the vitest global setup provides to every integration and image test file. */
export interface ProvidedStack {
  DATABASE_URL: string;
  REDIS_URL: string;
  HATCHET_CLIENT_TOKEN: string;
  HATCHET_CLIENT_HOST_PORT: string;
  HATCHET_CLIENT_TLS_STRATEGY: "none" | "tls";
  /** Isolates this run's Hatchet tasks and events from any other run on the engine. */
  HATCHET_CLIENT_NAMESPACE: string;
  /** A database with both migration tracks applied, cloned per test file. */
  templateDatabase: string;
  hatchetRoute: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    stack: ProvidedStack;
  }
}

/**
 * The stack started once for this test run. Only the integration and image projects start one;
 * anywhere else this throws, naming the convention that puts the file where the stack is.
 */
export function testStack(): ProvidedStack {
  const stack = inject("stack") as ProvidedStack | undefined;
  if (!stack) {
    throw new Error(
      "this test needs the stack: name it *.int.test.ts (or *.image.test.ts if it runs the built api), so vitest runs it in a project whose global setup starts Postgres, Redis and Hatchet",
    );
  }
  return stack;
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

function urlFor(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * A database of its own for one test file: a clone of the migrated template
 * (`migrated: true`, the default) or an empty one (for migration tests).
 */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const stack = testStack();
  const name = identifier(`t_${randomBytes(6).toString("hex")}`);
  const admin = postgres(urlFor(stack.DATABASE_URL, "postgres"), { max: 1, onnotice: () => {} });
  try {
    const template = options.migrated === false ? "template0" : identifier(stack.templateDatabase);
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.unsafe(`create database "${name}" template "${template}"`);
        break;
      } catch (err) {
        // 55006: the template is briefly in use by a concurrent clone; retry.
        if ((err as { code?: string }).code !== "55006" || attempt >= 20) throw err;
        await new Promise((r) => setTimeout(r, 100 + attempt * 50));
      }
    }
  } finally {
    await admin.end();
  }
  return {
    name,
    url: urlFor(stack.DATABASE_URL, name),
    drop: async () => {
      const sql = postgres(urlFor(stack.DATABASE_URL, "postgres"), { max: 1, onnotice: () => {} });
      try {
        await sql.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await sql.end();
      }
    },
  };
}

// The process helpers, for the tests that imported them from here.
export {
  type ProcessResult,
  type RunningProcess,
  runToExit,
  startProcess,
} from "./process.js";
