import { copyFile, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseEnv } from "node:util";
import { runToExit } from "@hogsend/devstack/process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chooseInfra, generateSecret, renderEnv, setEnvValue, writeEnvFile } from "./bootstrap/env-file.js";

const root = resolve(import.meta.dirname, "..");
let dir: string;
let example: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "hogsend-bootstrap-"));
  await copyFile(join(root, ".env.example"), join(dir, ".env.example"));
  example = await readFile(join(dir, ".env.example"), "utf8");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("pnpm bootstrap", () => {
  it("generates a fresh 32-byte secret each time", () => {
    const a = generateSecret();
    expect(Buffer.from(a, "base64")).toHaveLength(32);
    expect(generateSecret()).not.toBe(a);
  });

  it("uses docker compose only when an engine answers and the compose file is there", () => {
    expect(chooseInfra({ dockerAnswers: true, composeFile: true })).toBe("compose");
    expect(chooseInfra({ dockerAnswers: false, composeFile: true })).toBe("embedded");
    expect(chooseInfra({ dockerAnswers: true, composeFile: false })).toBe("embedded");
  });

  it("writes .env for pnpm dev without Docker: the secret set, the compose DATABASE_URL commented out", async () => {
    expect(await writeEnvFile(dir, { infra: "embedded", secret: "s".repeat(44) })).toEqual({
      written: true,
      path: join(dir, ".env"),
    });
    const content = await readFile(join(dir, ".env"), "utf8");
    const env = parseEnv(content);
    expect(env.BETTER_AUTH_SECRET).toBe("s".repeat(44));
    expect(env.DATABASE_URL).toBeUndefined();
    expect(content).toContain("# DATABASE_URL=postgres://growthhog:growthhog@localhost:5434/growthhog");
    expect((await stat(join(dir, ".env"))).mode & 0o777).toBe(0o600);
  });

  it("writes .env for the compose infra: its Postgres, Redis on 6380, plain gRPC to hatchet-lite", () => {
    const env = parseEnv(renderEnv(example, { infra: "compose", secret: "x".repeat(44) }));
    expect(env).toMatchObject({
      DATABASE_URL: "postgres://growthhog:growthhog@localhost:5434/growthhog",
      REDIS_URL: "redis://localhost:6380",
      HATCHET_CLIENT_TLS_STRATEGY: "none",
      BETTER_AUTH_SECRET: "x".repeat(44),
    });
  });

  it("sets a value on its line, never on the header's examples, and appends an unknown key", () => {
    const content = "#     REDIS_URL=redis://localhost:6380\n# REDIS_URL=\nA=1\n";
    expect(setEnvValue(content, "REDIS_URL", "redis://r:1")).toBe(
      "#     REDIS_URL=redis://localhost:6380\nREDIS_URL=redis://r:1\nA=1\n",
    );
    expect(setEnvValue(content, "A", "2")).toContain("\nA=2\n");
    expect(setEnvValue("A=1", "B", "2")).toBe("A=1\nB=2\n");
  });

  it("never overwrites an existing .env", async () => {
    await writeFile(join(dir, ".env"), "MINE=1\n");
    expect((await writeEnvFile(dir, { infra: "embedded" })).written).toBe(false);
    expect(await readFile(join(dir, ".env"), "utf8")).toBe("MINE=1\n");
  });

  it("runs end to end without Docker: writes .env once, points to pnpm dev, exits 0 both times", async () => {
    const bootstrap = () =>
      runToExit(process.execPath, ["--import", "tsx", "tools/bootstrap.ts", "--dir", dir], {
        cwd: root,
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
      });
    const first = await bootstrap();
    expect(first.code).toBe(0);
    // No docker-compose.yml in the folder: the embedded route whether or not Docker answers here.
    expect(first.stdout).toContain("Run `pnpm dev`");
    const written = await readFile(join(dir, ".env"), "utf8");
    expect(parseEnv(written).BETTER_AUTH_SECRET).toMatch(/^[A-Za-z0-9+/]{43}=$/);

    const second = await bootstrap();
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("exists; leaving it as it is");
    expect(await readFile(join(dir, ".env"), "utf8")).toBe(written);
  });
});
