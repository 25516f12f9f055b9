import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createDb, type DbHandle } from "@hogsend/db";
import {
  createTestDatabase,
  eventually,
  runToExit,
  startProcess,
  type TestDatabase,
} from "@hogsend/devstack/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "./exit-codes.js";

const root = resolve(import.meta.dirname, "../../..");
const bin = join(root, "packages/cli/bin/hogsend.mjs");
let db: TestDatabase;
let handle: DbHandle;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  handle = createDb(db.url, { max: 2 });
  dir = await mkdtemp(join(tmpdir(), "hogsend-import-"));
});
afterAll(async () => {
  await handle?.close();
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

const hogsend = (args: string[], home = dir) =>
  runToExit(process.execPath, [bin, "contacts", "import", ...args], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: home,
      DATABASE_URL: db.url,
      BETTER_AUTH_SECRET: "import-secret-import-secret-import-secret",
    },
  });
const count = async (where: string) =>
  (await handle.sql.unsafe(`select count(*)::int as n from contacts where ${where}`))[0]?.n as number;

describe("hogsend contacts import", () => {
  it("imports a CSV: identity columns by name, the rest as properties; a re-run changes nothing", async () => {
    const file = join(dir, "people.csv");
    const lines = ["user_id,email,plan,Company"];
    for (let i = 0; i < 2_500; i++)
      lines.push(`imp_${i},imp.${i}@example.test,${i % 2 ? "pro" : "free"},Acme ${i}`);
    await writeFile(file, `${lines.join("\n")}\n`);
    const first = await hogsend([file, "--batch", "700"]);
    expect(first.code, first.output).toBe(EXIT.OK);
    expect(first.output).toContain("2500 contacts created or changed, 0 unchanged");
    expect(await count("external_id like 'imp\\_%'")).toBe(2_500);
    const [one] = await handle.sql`select email, properties from contacts where external_id = 'imp_7'`;
    expect(one).toEqual({ email: "imp.7@example.test", properties: { plan: "pro", Company: "Acme 7" } });

    const again = await hogsend([file]);
    expect(again.output).toContain("0 contacts created or changed, 2500 unchanged");
  });

  it("dry-runs JSON Lines: reports each bad row by line number and writes nothing", async () => {
    const file = join(dir, "people.jsonl");
    await writeFile(
      file,
      [
        JSON.stringify({ user_id: "dry_1", email: "dry.1@example.test" }),
        JSON.stringify({ plan: "pro" }),
        "{not json",
        JSON.stringify({ email: "not-an-address" }),
        JSON.stringify({ email: "dry.5@example.test", plan: "free" }),
      ].join("\n"),
    );
    const { code, output } = await hogsend([file, "--dry-run"]);
    expect(code).toBe(EXIT.DATA);
    expect(output).toContain("dry run: 2 of 5 rows valid");
    expect(output).toContain("line 2: no user id or email column has a value");
    expect(output).toContain("line 3: not JSON");
    expect(output).toContain('line 4: email "not-an-address" is not an address');
    expect(await count("external_id = 'dry_1' or email like 'dry.%'")).toBe(0);

    const imported = await hogsend([file]);
    expect(imported.code).toBe(EXIT.DATA);
    expect(imported.output).toContain("3 row(s) refused; the others were imported");
    expect(await count("external_id = 'dry_1' or email like 'dry.%'")).toBe(2);
  });

  it("resumes after the row where a run stopped, and --fresh starts over", async () => {
    const file = join(dir, "resume.csv");
    await writeFile(
      file,
      `email,plan\n${Array.from({ length: 50 }, (_, i) => `res.${i}@example.test,a`).join("\n")}\n`,
    );
    // As if a run had stopped after row 30: its checkpoint, for this exact file.
    const home = await mkdtemp(join(tmpdir(), "hogsend-import-home-"));
    const { createHash } = await import("node:crypto");
    const { stat, mkdir } = await import("node:fs/promises");
    const info = await stat(file);
    const cache = join(home, ".cache/hogsend/imports");
    await mkdir(cache, { recursive: true });
    await writeFile(
      join(cache, `${createHash("sha256").update(file).digest("hex").slice(0, 16)}.json`),
      JSON.stringify({ file, size: info.size, mtimeMs: info.mtimeMs, rowsDone: 30 }),
    );
    const resumed = await hogsend([file], home);
    expect(resumed.output).toContain("resuming");
    expect(resumed.output).toContain("20 contacts created or changed");
    expect(await count("email like 'res.%'")).toBe(20);
    const fresh = await hogsend([file, "--fresh"], home);
    expect(fresh.output).toContain("30 contacts created or changed, 20 unchanged");
    await rm(home, { recursive: true, force: true });
  });

  it("resumes a run SIGKILLed midway: every row lands once, none is lost", async () => {
    const rows = 200_000;
    const file = join(dir, "killed.csv");
    await writeFile(
      file,
      `user_id,email,plan\n${Array.from({ length: rows }, (_, i) => `kill_${i},kill.${i}@example.test,p${i % 3}`).join("\n")}\n`,
    );
    const home = await mkdtemp(join(tmpdir(), "hogsend-import-kill-"));
    const env = {
      PATH: process.env.PATH,
      HOME: home,
      DATABASE_URL: db.url,
      BETTER_AUTH_SECRET: "import-secret-import-secret-import-secret",
    };
    const first = startProcess(process.execPath, [bin, "contacts", "import", file, "--batch", "500"], {
      cwd: root,
      env,
    });
    // Killed once a few batches are committed and checkpointed, well before the end.
    const checkpoints = join(home, ".cache/hogsend/imports");
    await eventually(
      "a checkpoint",
      async () => existsSync(checkpoints) && (await readdir(checkpoints)).length > 0,
    );
    await eventually("a few batches", async () => (await count("external_id like 'kill_%'")) >= 5_000);
    await first.stop("SIGKILL");
    const before = await count("external_id like 'kill_%'");
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(rows);

    const resumed = await runToExit(process.execPath, [bin, "contacts", "import", file], { cwd: root, env });
    expect(resumed.code, resumed.output).toBe(EXIT.OK);
    const from = Number(/resuming .* after row (\d+)/.exec(resumed.output)?.[1]);
    expect(from).toBeGreaterThan(0);
    expect(from).toBeLessThanOrEqual(before);
    expect(await count("external_id like 'kill_%'")).toBe(rows);
    const [dupes] = await handle.sql<{ n: number }[]>`
      select count(*)::int as n from (select lower(email) from contacts where external_id like 'kill_%'
      group by 1 having count(*) > 1) d`;
    expect(dupes?.n).toBe(0);
    // Rows between the checkpoint and the kill were committed once already: re-upserted unchanged.
    expect(resumed.output).toContain(
      `${rows - before} contacts created or changed, ${before - from} unchanged`,
    );
    await rm(home, { recursive: true, force: true });
  });

  it("refuses a missing file and bad flags", async () => {
    expect((await hogsend([join(dir, "missing.csv")])).code).toBe(EXIT.NO_INPUT);
    expect((await hogsend([])).code).toBe(EXIT.USAGE);
    expect((await hogsend([join(dir, "x.csv"), "--batch", "0"])).code).toBe(EXIT.USAGE);
  });
});
