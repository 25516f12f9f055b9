import { randomUUID } from "node:crypto";
import { join, resolve } from "node:path";
import { createDb, type DbHandle, insertEmailSendOnce, upsertContact } from "@hogsend/db";
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
  runToExit(process.execPath, [bin, "emails", ...args], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: db.url,
      BETTER_AUTH_SECRET: "mail-secret-mail-secret-mail-secret",
    },
  });

describe("hogsend emails", () => {
  it("lists a contact's sends by status, shows one, and resends it once it failed", async () => {
    const email = `mail.${randomUUID().slice(0, 8)}@example.test`;
    const contact = await upsertContact(handle.db, { email });
    const { send } = await insertEmailSendOnce(handle.db, {
      idempotencyKey: `test:${randomUUID()}`,
      contactId: contact.id,
      toEmail: email,
      template: "welcome",
      category: "product",
      subject: "Welcome aboard",
      props: {},
      journeyId: null,
      journeyStateId: null,
      status: "queued",
      reason: null,
    });
    await handle.sql`update email_sends set status = 'failed', reason = 'gave up' where id = ${send.id}`;

    const listed = await hogsend(["list", "--to", email, "--status", "failed"]);
    expect(listed.code, listed.output).toBe(EXIT.OK);
    expect(listed.output).toContain(send.id);
    expect(listed.output).toContain("(gave up)");
    expect((await hogsend(["list", "--to", email, "--status", "sent"])).output).toContain("no sends");

    const shown = await hogsend(["show", send.id]);
    expect(shown.output).toContain("subject: Welcome aboard");

    const resent = await hogsend(["resend", send.id]);
    expect(resent.code, resent.output).toBe(EXIT.OK);
    const [row] = await handle.sql`select status from email_sends where id = ${send.id}`;
    expect(row).toEqual({ status: "queued" });
    const again = await hogsend(["resend", send.id]);
    expect(again.code).toBe(EXIT.DATA);
    expect(again.output).toContain("is queued");
  });

  it("refuses bad input", async () => {
    expect((await hogsend(["list", "--status", "lost"])).code).toBe(EXIT.USAGE);
    expect((await hogsend(["show"])).code).toBe(EXIT.USAGE);
    expect((await hogsend(["show", randomUUID()])).code).toBe(EXIT.DATA);
    expect((await hogsend(["list", "--to", "nobody@example.test"])).code).toBe(EXIT.DATA);
  });
});
