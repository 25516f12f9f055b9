import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
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

  it("imports a provider's suppression export: known and new addresses, refusals by line, erased ones skipped, idempotent", async () => {
    const tag = randomUUID().slice(0, 8);
    const known = await upsertContact(handle.db, {
      email: `Known.${tag}@example.test`,
      externalId: `u_${tag}`,
    });
    const already = await upsertContact(handle.db, { email: `already.${tag}@example.test` });
    await hogsend(["add", already.id, "--reason", "complained in 2025"]);
    const erased = `erased.${tag}@example.test`;
    await handle.sql`insert into erased_addresses (email_sha256)
      values (encode(sha256(convert_to(lower(${erased}), 'UTF8')), 'hex'))`;
    const dir = await mkdtemp(join(tmpdir(), "supp-import-"));
    const file = join(dir, "postmark-suppressions.csv");
    // Postmark's export columns, a known address in another case, and two bad rows.
    await writeFile(
      file,
      [
        "EmailAddress,SuppressionReason,Origin,CreatedAt",
        `known.${tag}@EXAMPLE.test,HardBounce,Recipient,2026-01-02T00:00:00Z`,
        `new.${tag}@example.test,"SpamComplaint, via ISP",Recipient,2026-01-03T00:00:00Z`,
        `already.${tag}@example.test,HardBounce,Customer,2026-01-04T00:00:00Z`,
        `${erased},ManualSuppression,Customer,2026-01-05T00:00:00Z`,
        ",HardBounce,Recipient,2026-01-06T00:00:00Z",
        "not-an-address,HardBounce,Recipient,2026-01-07T00:00:00Z",
      ].join("\n"),
    );

    const dry = await hogsend(["import", file, "--dry-run"]);
    expect(dry.code).toBe(EXIT.DATA);
    expect(dry.output).toContain("dry run: 4 of 6 rows valid");
    expect(dry.output).toContain("line 6: no email column has a value");
    expect(dry.output).toContain('line 7: "not-an-address" is not an address');
    expect(await getEmailPreferences(handle.db, known.id)).toBeUndefined();

    const first = await hogsend(["import", file]);
    expect(first.code, first.output).toBe(EXIT.DATA);
    expect(first.output).toContain(
      "6 rows; 2 suppressed (1 of them new contacts), 1 already suppressed, 1 erased addresses skipped",
    );
    expect(await getEmailPreferences(handle.db, known.id)).toMatchObject({
      suppressed: true,
      suppressedReason: "imported from postmark-suppressions.csv: HardBounce",
    });
    expect(await getEmailPreferences(handle.db, already.id)).toMatchObject({
      suppressedReason: "complained in 2025",
    });
    const [created] = await handle.sql<{ email: string; reason: string }[]>`
      select c.email, p.suppressed_reason as reason from contacts c join email_preferences p on p.contact_id = c.id
      where c.email = ${`new.${tag}@example.test`}`;
    expect(created?.reason).toBe("imported from postmark-suppressions.csv: SpamComplaint, via ISP");
    const [erasedStored] = await handle.sql<{ n: number }[]>`
      select count(*)::int as n from contacts where lower(email) = ${erased}`;
    expect(erasedStored?.n).toBe(0);

    const again = await hogsend(["import", file]);
    expect(again.output).toContain("0 suppressed (0 of them new contacts), 3 already suppressed");

    const out = join(dir, "export.csv");
    const exported = await hogsend(["export", "--out", out]);
    expect(exported.code, exported.output).toBe(EXIT.OK);
    const csv = await readFile(out, "utf8");
    expect(csv.split("\n")[0]).toBe("email,user_id,reason,suppressed_at");
    expect(csv).toContain(
      `Known.${tag}@example.test,u_${tag},imported from postmark-suppressions.csv: HardBounce,`,
    );
    expect(csv).toContain(
      `new.${tag}@example.test,,"imported from postmark-suppressions.csv: SpamComplaint, via ISP",`,
    );
    const [audits] = await handle.sql<{ n: number }[]>`
      select count(*)::int as n from audit_logs where action in ('suppressions.import', 'suppressions.export')`;
    expect(audits?.n).toBe(3);
    expect((await hogsend(["import", join(dir, "missing.csv")])).code).toBe(EXIT.NO_INPUT);
  });
});
