import { randomUUID } from "node:crypto";
import { join, resolve } from "node:path";
import { upsertContact } from "@hogsend/db";
import { createTestDatabase, runToExit, type TestDatabase, testStack } from "@hogsend/devstack/testing";
import { createHogsendClient, type HogsendClient } from "@hogsend/engine";
import { testEnv } from "@hogsend/engine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "./exit-codes.js";

const root = resolve(import.meta.dirname, "../../..");
const bin = join(root, "packages/cli/bin/hogsend.mjs");
const stack = testStack();
let db: TestDatabase;
let client: HogsendClient;

beforeAll(async () => {
  db = await createTestDatabase();
  client = createHogsendClient(testEnv(stack, { DATABASE_URL: db.url }), { version: "test", role: "test" });
});
afterAll(async () => {
  await client?.close();
  await db?.drop();
});

const hogsend = (args: string[]) =>
  runToExit(process.execPath, [bin, "contacts", ...args], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "test",
      DATABASE_URL: db.url,
      REDIS_URL: stack.REDIS_URL,
      BETTER_AUTH_SECRET: "contacts-secret-contacts-secret-contacts",
      HATCHET_CLIENT_TOKEN: stack.HATCHET_CLIENT_TOKEN,
      HATCHET_CLIENT_HOST_PORT: stack.HATCHET_CLIENT_HOST_PORT,
      HATCHET_CLIENT_TLS_STRATEGY: stack.HATCHET_CLIENT_TLS_STRATEGY,
    },
  });

describe("hogsend contacts", () => {
  it("exports a contact found by email, user id or id, as JSON on stdout", async () => {
    const tag = randomUUID().slice(0, 8);
    const contact = await upsertContact(client.db.db, {
      externalId: `u_${tag}`,
      email: `cli.${tag}@example.test`,
      properties: { plan: `plan-${tag}` },
    });
    for (const who of [contact.email ?? "", `u_${tag}`, contact.id]) {
      const { code, output } = await hogsend(["export", who]);
      expect(code, output).toBe(EXIT.OK);
      const doc = JSON.parse(output.slice(output.indexOf("{"))) as {
        contact: { id: string; properties: unknown };
      };
      expect(doc.contact).toMatchObject({ id: contact.id, properties: { plan: `plan-${tag}` } });
    }
    const [audited] = await client.db.sql<{ n: number }[]>`
      select count(*)::int as n from audit_logs where resource_id = ${contact.id} and action = 'contact.export'`;
    expect(audited?.n).toBe(3);
  });

  it("erases only with --yes, then the contact is gone and the erase is audited", async () => {
    const tag = randomUUID().slice(0, 8);
    const contact = await upsertContact(client.db.db, {
      externalId: `u_${tag}`,
      email: `gone.${tag}@example.test`,
    });
    const refused = await hogsend(["erase", contact.id]);
    expect(refused.code).toBe(EXIT.USAGE);
    expect(refused.output).toContain("--yes");

    const { code, output } = await hogsend(["erase", `gone.${tag}@example.test`, "--yes"]);
    expect(code, output).toBe(EXIT.OK);
    expect(output).toContain(`erased contact ${contact.id}`);
    expect(output).toContain("address kept as a hash");
    const [left] = await client.db.sql`select id from contacts where id = ${contact.id}`;
    expect(left).toBeUndefined();
    const [audit] = await client.db
      .sql`select actor_type from audit_logs where resource_id = ${contact.id} and action = 'contact.erase'`;
    expect(audit).toEqual({ actor_type: "system" });
    expect((await hogsend(["export", contact.id])).code).toBe(EXIT.DATA);
  });

  it("shows a contact and their timeline, newest first", async () => {
    const tag = randomUUID().slice(0, 8);
    const contact = await upsertContact(client.db.db, {
      externalId: `u_${tag}`,
      properties: { plan: "pro" },
    });
    await client.db.sql`insert into user_events (user_key, contact_id, event, idempotency_key, occurred_at)
      values (${contact.id}, ${contact.id}, 'signed_up', ${randomUUID()}, now() - interval '1 hour'),
             (${contact.id}, ${contact.id}, 'plan_upgraded', ${randomUUID()}, now())`;
    const got = await hogsend(["get", `u_${tag}`]);
    expect(got.code, got.output).toBe(EXIT.OK);
    expect(got.output).toContain('properties: {"plan":"pro"}');
    expect(got.output).toContain("subscribed to everything");
    const timeline = await hogsend(["timeline", contact.id]);
    const lines = timeline.output.split("\n").filter((l) => l.includes("event "));
    expect(lines.map((l) => l.split("  ")[1])).toEqual([
      "event plan_upgraded (api)",
      "event signed_up (api)",
    ]);
  });

  it("refuses usage errors with the help", async () => {
    expect((await hogsend([])).code).toBe(EXIT.USAGE);
    expect((await hogsend(["export"])).code).toBe(EXIT.USAGE);
    expect((await hogsend(["wipe", "x"])).code).toBe(EXIT.USAGE);
    expect((await hogsend(["--help"])).code).toBe(EXIT.OK);
  });
});
