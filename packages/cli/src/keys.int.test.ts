import { randomUUID } from "node:crypto";
import { join, resolve } from "node:path";
import { verifyApiKey } from "@hogsend/access";
import { createDb, type DbHandle } from "@hogsend/db";
import { createTestDatabase, runToExit, type TestDatabase } from "@hogsend/devstack/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "./exit-codes.js";

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

const hogsend = (args: string[]) =>
  runToExit(process.execPath, [bin, "keys", ...args], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: db.url,
      BETTER_AUTH_SECRET: "keys-secret-keys-secret-keys-secret",
    },
  });

describe("hogsend keys", () => {
  it("creates a key whose secret is shown once and works, lists it without it, and revokes it", async () => {
    const name = `ci-${randomUUID().slice(0, 8)}`;
    const created = await hogsend(["create", "--name", name, "--scope", "ingest,send", "--json"]);
    expect(created.code, created.output).toBe(EXIT.OK);
    const key = JSON.parse(created.output.slice(created.output.indexOf("{"))) as {
      id: string;
      secret: string;
      scopes: string[];
    };
    expect(key.scopes).toEqual(["ingest", "send"]);
    expect((await verifyApiKey(handle.db, key.secret)).ok).toBe(true);

    const listed = await hogsend(["list"]);
    expect(listed.output).toContain(key.id);
    expect(listed.output).toContain(name);
    expect(listed.output).not.toContain(key.secret);

    const revoked = await hogsend(["revoke", key.id]);
    expect(revoked.code, revoked.output).toBe(EXIT.OK);
    expect(await verifyApiKey(handle.db, key.secret)).toEqual({ ok: false, reason: "revoked" });
    expect((await hogsend(["list"])).output).not.toContain(key.id);
    expect((await hogsend(["list", "--all"])).output).toContain(key.id);
    const actions = await handle.sql<{ action: string }[]>`
      select action from audit_logs where resource_id = ${key.id} and actor_type = 'system' order by seq`;
    expect(actions.map((a) => a.action)).toEqual(["api_key.create", "api_key.revoke"]);
  });

  it("refuses bad input before touching the database", async () => {
    expect((await hogsend(["create", "--scope", "ingest"])).code).toBe(EXIT.USAGE);
    const unknown = await hogsend(["create", "--name", "x", "--scope", "ingest,admin"]);
    expect(unknown.code).toBe(EXIT.DATA);
    expect(unknown.output).toContain("unknown scope admin");
    expect(
      (await hogsend(["create", "--name", "x", "--scope", "read", "--expires", "2001-01-01"])).code,
    ).toBe(EXIT.DATA);
    expect((await hogsend(["revoke", randomUUID()])).code).toBe(EXIT.DATA);
    expect((await hogsend(["revoke"])).code).toBe(EXIT.USAGE);
    expect((await hogsend(["rotate"])).code).toBe(EXIT.USAGE);
  });
});
