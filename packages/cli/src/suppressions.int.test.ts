import { randomUUID } from "node:crypto";
import { join, resolve } from "node:path";
import { createDb, type DbHandle, getEmailPreferences, upsertContact } from "@hogsend/db";
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
  runToExit(process.execPath, [bin, "suppressions", ...args], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: db.url,
      BETTER_AUTH_SECRET: "supp-secret-supp-secret-supp-secret",
    },
  });

describe("hogsend suppressions", () => {
  it("suppresses a contact with a reason, lists it, and lifts it", async () => {
    const email = `supp.${randomUUID().slice(0, 8)}@example.test`;
    const contact = await upsertContact(handle.db, { email });
    const added = await hogsend(["add", email, "--reason", "asked by phone"]);
    expect(added.code, added.output).toBe(EXIT.OK);
    expect(await getEmailPreferences(handle.db, contact.id)).toMatchObject({
      suppressed: true,
      suppressedReason: "asked by phone",
    });
    const listed = await hogsend(["list"]);
    expect(listed.output).toContain(email);
    expect(listed.output).toContain("asked by phone");

    expect((await hogsend(["remove", contact.id])).code).toBe(EXIT.OK);
    expect(await getEmailPreferences(handle.db, contact.id)).toMatchObject({
      suppressed: false,
      bounceCount: 0,
    });
    const audit = await handle.sql<{ action: string }[]>`
      select action from audit_logs where resource_id = ${contact.id} order by seq`;
    expect(audit.map((a) => a.action)).toEqual(["contact.suppress", "contact.unsuppress"]);
  });

  it("forgets an erased address's hash, so mail may reach it again", async () => {
    const email = `Erased.${randomUUID().slice(0, 8)}@example.test`;
    await handle.sql`insert into erased_addresses (email_sha256)
      values (encode(sha256(convert_to(lower(${email}), 'UTF8')), 'hex'))`;
    const removed = await hogsend(["remove", email.toUpperCase()]);
    expect(removed.code, removed.output).toBe(EXIT.OK);
    expect(removed.output).toContain("forgot the erased address's hash");
    const [left] = await handle.sql`select 1 from erased_addresses
      where email_sha256 = encode(sha256(convert_to(lower(${email}), 'UTF8')), 'hex')`;
    expect(left).toBeUndefined();
    expect((await hogsend(["remove", email])).code).toBe(EXIT.DATA);
  });

  it("refuses an unknown contact and usage errors", async () => {
    expect((await hogsend(["add", "nobody@example.test"])).code).toBe(EXIT.DATA);
    expect((await hogsend(["add"])).code).toBe(EXIT.USAGE);
    expect((await hogsend(["purge"])).code).toBe(EXIT.USAGE);
  });
});
