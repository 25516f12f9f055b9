import { randomUUID } from "node:crypto";
import { join, resolve } from "node:path";
import { createDb, type DbHandle, upsertContact } from "@hogsend/db";
import { createTestDatabase, startProcess, type TestDatabase } from "@hogsend/devstack/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../../..");
const bin = join(root, "packages/cli/bin/hogsend.mjs");
let db: TestDatabase;
let handle: DbHandle;

beforeAll(async () => {
  db = await createTestDatabase();
  handle = createDb(db.url, { max: 2 });
});
afterAll(async () => {
  await handle?.close();
  await db?.drop();
});

describe("hogsend events tail", () => {
  it("prints each event stored after it started, once, filtered by name, and stops on Ctrl-C", async () => {
    const contact = await upsertContact(handle.db, { externalId: `u_${randomUUID()}` });
    const store = (event: string) => handle.sql`
      insert into user_events (user_key, contact_id, event, properties, idempotency_key)
      values (${contact.id}, ${contact.id}, ${event}, ${JSON.stringify({ n: 1 })}::jsonb, ${randomUUID()})`;
    await store("before_the_tail");
    const tail = startProcess(
      process.execPath,
      [bin, "events", "tail", "--name", "plan_upgraded", "--interval", "100"],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH,
          DATABASE_URL: db.url,
          BETTER_AUTH_SECRET: "tail-secret-tail-secret-tail-secret",
        },
      },
    );
    try {
      await tail.waitFor(/following events named plan_upgraded/, 30_000);
      await store("page_viewed");
      await store("plan_upgraded");
      await tail.waitFor(/plan_upgraded\s+api\s+/, 10_000);
      await new Promise((r) => setTimeout(r, 500));
      expect(await tail.stop("SIGINT", 10_000)).toBe(0);
      const lines = tail.output().split("\n");
      expect(lines.filter((l) => l.includes(contact.id))).toHaveLength(1);
      expect(tail.output()).not.toContain("before_the_tail");
      expect(tail.output()).not.toContain("page_viewed");
    } finally {
      await tail.stop("SIGKILL");
    }
  });

  it("ends with 0 and no ELIFECYCLE when Ctrl-C reaches `pnpm hogsend`'s whole process group", async () => {
    // A terminal's Ctrl-C signals pnpm, its sh and node at once; sh must not die of it after node
    // stopped cleanly (the script execs node), or pnpm reports a failure.
    const tail = startProcess("pnpm", ["-s", "hogsend", "events", "tail"], {
      cwd: root,
      group: true,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: db.url,
        BETTER_AUTH_SECRET: "tail-secret-tail-secret-tail-secret",
      },
    });
    try {
      await tail.waitFor(/following events/, 60_000);
      process.kill(-(tail.pid ?? 0), "SIGINT");
      expect(await tail.exited, tail.output()).toBe(0);
      expect(tail.output()).not.toContain("ELIFECYCLE");
    } finally {
      await tail.stop("SIGKILL");
    }
  });
});
