import { randomUUID } from "node:crypto";
import { join, resolve } from "node:path";
import { createTestDatabase, runToExit, type TestDatabase, testStack } from "@hogsend/devstack/testing";
import { createApp, createHogsendClient } from "@hogsend/engine";
import { testEnv } from "@hogsend/engine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "./exit-codes.js";

const root = resolve(import.meta.dirname, "../../..");
const bin = join(root, "packages/cli/bin/hogsend.mjs");
const stack = testStack();
const SECRET = "cli-test-secret-cli-test-secret-cli-test";
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

function hogsend(args: string[], env: Record<string, string | undefined> = {}) {
  return runToExit(process.execPath, [bin, ...args], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: db.url,
      BETTER_AUTH_SECRET: SECRET,
      REDIS_URL: stack.REDIS_URL,
      ...env,
    },
  });
}

/** An api instance on the same database, to prove the CLI's credentials work for sign-in. */
function api() {
  const client = createHogsendClient(testEnv(stack, { DATABASE_URL: db.url, BETTER_AUTH_SECRET: SECRET }), {
    version: "test",
    role: "api",
  });
  const app = createApp(client, { clientJournal: null });
  const signIn = (email: string, password: string) =>
    app.request("/api/auth/sign-in/email", {
      method: "POST",
      body: JSON.stringify({ email, password }),
      headers: {
        "content-type": "application/json",
        "x-real-ip": `192.0.2.${Math.floor(Math.random() * 250)}`,
      },
    });
  return { app, client, signIn };
}

describe("hogsend studio admin", () => {
  it("prints help for every command and exits 0", async () => {
    for (const args of [
      ["--help"],
      ["studio", "admin", "--help"],
      ["studio", "admin", "create", "--help"],
      ["studio", "admin", "reset", "--help"],
      ["studio", "admin", "list", "--help"],
    ]) {
      const r = await hogsend(args);
      expect(r.code, args.join(" ")).toBe(EXIT.OK);
      expect(r.stdout).toMatch(/Usage: hogsend/);
    }
  });

  it("exits 64 on unknown commands and flags, 78 listing missing env", async () => {
    expect((await hogsend(["studio", "admin", "promote"])).code).toBe(EXIT.USAGE);
    expect((await hogsend(["studio", "admin", "create", "--emial", "x@example.com"])).code).toBe(EXIT.USAGE);
    expect((await hogsend(["studio", "admin", "create"])).code).toBe(EXIT.USAGE);
    const noEnv = await hogsend(["studio", "admin", "list"], {
      DATABASE_URL: undefined,
      BETTER_AUTH_SECRET: undefined,
    });
    expect(noEnv.code).toBe(EXIT.CONFIG);
    expect(noEnv.stderr).toContain("DATABASE_URL");
    expect(noEnv.stderr).toContain("BETTER_AUTH_SECRET");
    const down = await hogsend(["studio", "admin", "list"], {
      DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:1/none",
    });
    expect(down.code).toBe(EXIT.UNAVAILABLE);
  });

  it("creates an admin with a generated password shown once, refuses duplicates and weak passwords, and lists", async () => {
    const email = `cli-${randomUUID()}@example.com`;
    const created = await hogsend(["studio", "admin", "create", "--email", email]);
    expect(created.code, created.stderr).toBe(EXIT.OK);
    const password = /password: (\S+)/.exec(created.stdout)?.[1] as string;
    expect(password.length).toBeGreaterThanOrEqual(20);
    expect(created.stdout.split(password).length - 1).toBe(1);

    const dup = await hogsend([
      "studio",
      "admin",
      "create",
      "--email",
      email.toUpperCase(),
      "--password",
      "another-password",
    ]);
    expect(dup.code).toBe(EXIT.DATA);
    expect(dup.stderr).toContain("already exists");
    const weak = await hogsend([
      "studio",
      "admin",
      "create",
      "--email",
      `weak-${randomUUID()}@example.com`,
      "--password",
      "short",
    ]);
    expect(weak.code).toBe(EXIT.DATA);
    expect(weak.stderr).toContain("at least 8 characters");
    const badEmail = await hogsend([
      "studio",
      "admin",
      "create",
      "--email",
      "not-an-email",
      "--password",
      "long-enough-pw",
    ]);
    expect(badEmail.code).toBe(EXIT.DATA);

    const list = await hogsend(["studio", "admin", "list"]);
    expect(list.code).toBe(EXIT.OK);
    expect(list.stdout).toContain(email);

    const { client, signIn } = api();
    try {
      expect((await signIn(email, password)).status).toBe(200);
    } finally {
      await client.close();
    }
  });

  it("resets a password: the old one stops working and existing sessions end", async () => {
    const email = `reset-${randomUUID()}@example.com`;
    expect(
      (await hogsend(["studio", "admin", "create", "--email", email, "--password", "first-password"])).code,
    ).toBe(EXIT.OK);
    const { app, client, signIn } = api();
    try {
      const session = await signIn(email, "first-password");
      expect(session.status).toBe(200);
      const cookie = session.headers.get("set-cookie")?.split(";")[0] ?? "";
      expect((await app.request("/v1/admin/api-keys", { headers: { cookie } })).status).toBe(200);

      const reset = await hogsend([
        "studio",
        "admin",
        "reset",
        "--email",
        email,
        "--password",
        "second-password",
      ]);
      expect(reset.code, reset.stderr).toBe(EXIT.OK);
      expect((await signIn(email, "first-password")).status).toBe(401);
      expect((await signIn(email, "second-password")).status).toBe(200);
      expect((await app.request("/v1/admin/api-keys", { headers: { cookie } })).status).toBe(401);

      const unknown = await hogsend([
        "studio",
        "admin",
        "reset",
        "--email",
        `nobody-${randomUUID()}@example.com`,
      ]);
      expect(unknown.code).toBe(EXIT.DATA);
    } finally {
      await client.close();
    }
  });
});
