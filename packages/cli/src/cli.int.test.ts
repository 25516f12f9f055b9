import { randomUUID } from "node:crypto";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createTestDatabase, runToExit, type TestDatabase, testStack } from "@hogsend/devstack/testing";
import { createApp, createHogsendClient } from "@hogsend/engine";
import { testEnv, testRuntime } from "@hogsend/engine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HATCHET_LITE_TENANT_ID } from "./commands/hatchet-token.js";
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
  const app = createApp(testRuntime(client));
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

    const viewer = `viewer-${randomUUID()}@example.com`;
    const asViewer = await hogsend(["studio", "admin", "create", "--email", viewer, "--role", "viewer"]);
    expect([asViewer.code, asViewer.stdout.includes(`created Studio viewer ${viewer}`)]).toEqual([
      EXIT.OK,
      true,
    ]);
    const badRole = await hogsend([
      "studio",
      "admin",
      "create",
      "--email",
      `r-${randomUUID()}@example.com`,
      "--role",
      "owner",
    ]);
    expect([badRole.code, badRole.stderr.includes("--role takes viewer, operator, admin")]).toEqual([
      EXIT.USAGE,
      true,
    ]);

    const list = await hogsend(["studio", "admin", "list"]);
    expect(list.code).toBe(EXIT.OK);
    expect(list.stdout).toContain(`${email}\tadmin\t`);
    expect(list.stdout).toContain(`${viewer}\tviewer\t`);

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

describe("hogsend hatchet token", () => {
  // No Docker engine here: a stand-in `docker` on PATH records its arguments and answers like
  // `docker compose exec` does, so the test checks the exact command and what is done with its output.
  let dir: string;
  const fakeDocker = async (script: string) => {
    await writeFile(join(dir, "docker"), `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/args"\n${script}\n`);
    await chmod(join(dir, "docker"), 0o755);
  };
  const TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiI3MDdkMDg1NSJ9.c2lnbmF0dXJl";
  const token = (args: string[]) => hogsend(["hatchet", "token", ...args], { PATH: `${dir}:/usr/bin:/bin` });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "hogsend-cli-hatchet-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("prints the steps with the exact hatchet-admin command, and help, without running anything", async () => {
    const steps = await token(["--compose-file", "docker-compose.prod.yml"]);
    expect(steps.code, steps.stderr).toBe(EXIT.OK);
    expect(steps.stdout).toContain("docker compose -f docker-compose.prod.yml up -d hatchet-lite");
    expect(steps.stdout).toContain(
      `docker compose -f docker-compose.prod.yml exec -T hatchet-lite /hatchet-admin token create --config /config --tenant-id ${HATCHET_LITE_TENANT_ID} --name hogsend --expiresIn 876000h`,
    );
    for (const args of [
      ["hatchet", "--help"],
      ["hatchet", "token", "--help"],
    ]) {
      const r = await hogsend(args);
      expect(r.code, args.join(" ")).toBe(EXIT.OK);
      expect(r.stdout).toMatch(/Usage: hogsend hatchet/);
    }
  });

  it("exits 64 on bad usage and 69 without docker or with hatchet-lite down", async () => {
    expect((await token(["--write-env", ".env"])).code).toBe(EXIT.USAGE);
    expect((await token(["--exce"])).code).toBe(EXIT.USAGE);
    expect((await hogsend(["hatchet", "tokens"])).code).toBe(EXIT.USAGE);

    const noDocker = await hogsend(["hatchet", "token", "--exec"], { PATH: join(dir, "empty") });
    expect(noDocker.code).toBe(EXIT.UNAVAILABLE);
    expect(noDocker.stderr).toContain("docker is not on PATH");
    expect(noDocker.stderr).toContain("/hatchet-admin token create");

    await fakeDocker(`echo 'service "hatchet-lite" is not running' >&2; exit 1`);
    const down = await token(["--exec"]);
    expect(down.code).toBe(EXIT.UNAVAILABLE);
    expect(down.stderr).toContain('service "hatchet-lite" is not running');
    expect(down.stderr).toContain("docker compose -f docker-compose.yml up -d hatchet-lite");
  });

  it("--exec runs hatchet-admin in the container and prints only the token", async () => {
    await fakeDocker(`echo "loading config from /config"; echo "${TOKEN}"`);
    const r = await token(["--exec", "--compose-file", "docker-compose.prod.yml", "--name", "ci"]);
    expect(r.code, r.stderr).toBe(EXIT.OK);
    expect(r.stdout.trim()).toBe(TOKEN);
    expect((await readFile(join(dir, "args"), "utf8")).trim().split("\n")).toEqual([
      "compose",
      "-f",
      "docker-compose.prod.yml",
      "exec",
      "-T",
      "hatchet-lite",
      "/hatchet-admin",
      "token",
      "create",
      "--config",
      "/config",
      "--tenant-id",
      HATCHET_LITE_TENANT_ID,
      "--name",
      "ci",
      "--expiresIn",
      "876000h",
    ]);

    await fakeDocker(`echo "Fatal: could not connect"`);
    const noToken = await token(["--exec"]);
    expect(noToken.code).toBe(EXIT.FAILURE);
    expect(noToken.stderr).toContain("printed no token");
  });

  it("--write-env replaces the token line in place, keeps the rest, and never prints the token", async () => {
    await fakeDocker(`echo "${TOKEN}"`);
    const envFile = join(dir, "env");
    await writeFile(
      envFile,
      "DATABASE_URL=postgres://x@localhost/x\nHATCHET_CLIENT_TOKEN=\nREDIS_URL=redis://localhost\n",
    );
    const replaced = await token(["--exec", "--write-env", envFile]);
    expect(replaced.code, replaced.stderr).toBe(EXIT.OK);
    expect(replaced.stdout).not.toContain(TOKEN);
    expect(await readFile(envFile, "utf8")).toBe(
      `DATABASE_URL=postgres://x@localhost/x\nHATCHET_CLIENT_TOKEN=${TOKEN}\nREDIS_URL=redis://localhost\n`,
    );

    const fresh = join(dir, "fresh.env");
    expect((await token(["--exec", "--write-env", fresh])).code).toBe(EXIT.OK);
    expect(await readFile(fresh, "utf8")).toBe(`HATCHET_CLIENT_TOKEN=${TOKEN}\n`);
  });
});
