/**
 * The image without Docker: the Dockerfile and `pnpm preflight` share one assembly
 * (tools/assemble-runtime.ts), so checking that the Dockerfile runs it and copies its
 * output unchanged, then running the preflight on it, proves what the image holds.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runToExit } from "@hogsend/devstack/process";
import { testStack } from "@hogsend/devstack/testing";
import { describe, expect, it } from "vitest";
import { IMAGE_APP_DIR } from "./assemble-runtime.js";

const root = resolve(import.meta.dirname, "..");
const read = (file: string) => readFile(join(root, file), "utf8");
/** The run modes every deploy target writes (deploy-manifests.test.ts checks the others). */
const RUN_MODES = JSON.parse(readFileSync(join(root, "deploy/run-modes.json"), "utf8")) as Record<
  "api" | "worker" | "migrate",
  string[]
>;

/** Dockerfile instructions with their arguments, continuation lines joined, comments dropped. */
function instructions(text: string): Array<{ op: string; args: string }> {
  return text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const [op = "", ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(" ") };
    });
}

describe("Dockerfile", () => {
  it("builds with pnpm from the lockfile and runs the preflight's assembly into the runtime stage's WORKDIR", async () => {
    const text = await read("Dockerfile");
    const all = instructions(text);
    const froms = all.filter((i) => i.op === "FROM");
    // One base for both stages, a build argument defaulting to the official image.
    const base = ["$", "{BASE_IMAGE}"].join("");
    expect(froms.map((f) => f.args)).toEqual([`${base} AS build`, `${base} AS runtime`]);
    expect(text).toMatch(/^ARG BASE_IMAGE=node:\$\{NODE_VERSION\}-bookworm-slim$/m);
    // A current LTS by default; CI keeps the code running on Node 20.
    const nodeVersion = /^ARG NODE_VERSION=(\d+)$/m.exec(text)?.[1];
    expect(["22", "24"]).toContain(nodeVersion);

    const runtimeAt = all.findIndex((i) => i.op === "FROM" && i.args.endsWith("AS runtime"));
    const build = all.slice(0, runtimeAt);
    const runtime = all.slice(runtimeAt);
    const runs = build.filter((i) => i.op === "RUN").map((i) => i.args);
    // pnpm comes from npm at the packageManager pin, never a second hard-coded version; the steps
    // that download see the extra CA secret, mounted for that step only.
    const install = runs.find((r) => r.includes("npm install -g"));
    expect(install).toContain(`pnpm@$(node -p "require('./package.json').packageManager.split('@')[1]")`);
    expect(text).not.toMatch(/pnpm@\d/);
    for (const download of [install, runs.find((r) => r.endsWith("pnpm fetch"))]) {
      expect(download).toMatch(/^--mount=type=secret,id=npm_ca .*NODE_EXTRA_CA_CERTS=\/run\/secrets\/npm_ca/);
    }
    expect(
      all
        .filter((i) => i.op === "ENV")
        .map((i) => i.args)
        .join(" "),
    ).not.toContain("NODE_EXTRA_CA_CERTS");
    expect(runs).toContain("pnpm install --frozen-lockfile --offline");
    expect(runs).toContain("pnpm --filter @hogsend/api build");
    expect(runs.at(-1)).toBe(`pnpm exec tsx tools/assemble-runtime.ts ${IMAGE_APP_DIR}`);

    expect(runtime).toEqual(
      expect.arrayContaining([
        { op: "WORKDIR", args: IMAGE_APP_DIR },
        { op: "COPY", args: `--from=build ${IMAGE_APP_DIR} ${IMAGE_APP_DIR}` },
        { op: "USER", args: "node" },
        { op: "EXPOSE", args: "3002" },
      ]),
    );
    // The default command is the api run mode, in exec form so node gets SIGTERM itself.
    const cmd = runtime.filter((i) => i.op === "CMD").map((i) => JSON.parse(i.args) as string[]);
    expect(cmd).toEqual([RUN_MODES.api]);
    // Nothing but the assembled tree reaches the runtime stage.
    expect(runtime.filter((i) => i.op === "COPY" || i.op === "ADD")).toHaveLength(1);
    const env = runtime.find((i) => i.op === "ENV")?.args ?? "";
    expect(env).toContain("NODE_ENV=production");
    expect(env).toContain(`PATH=${IMAGE_APP_DIR}/node_modules/.bin:$PATH`);
    // The worker and migrate commands are documented where operators look.
    expect(text).toContain(RUN_MODES.worker.join(" "));
    expect(text).toContain(RUN_MODES.migrate.join(" "));
  });

  it(".dockerignore keeps local installs, builds, state and secrets out of the context", async () => {
    const lines = (await read(".dockerignore")).split("\n").map((l) => l.trim());
    for (const entry of [
      "**/node_modules",
      "**/dist",
      ".git",
      ".hogsend",
      ".env",
      ".env.*",
      "!.env.example",
    ]) {
      expect(lines).toContain(entry);
    }
  });
});

describe("pnpm preflight", () => {
  it("assembles the production-only tree and runs migrate, api and worker from it", async () => {
    const stack = testStack();
    const out = await mkdtemp(join(tmpdir(), "hogsend-preflight-test-"));
    try {
      const result = await runToExit(
        join(root, "node_modules/.bin/tsx"),
        [join(root, "tools/preflight.ts"), "--skip-build", "--out", out],
        {
          cwd: root,
          // The run's own services; the preflight makes its own database and Hatchet namespace.
          env: {
            ...process.env,
            DATABASE_URL: stack.DATABASE_URL,
            REDIS_URL: stack.REDIS_URL,
            HATCHET_CLIENT_TOKEN: stack.HATCHET_CLIENT_TOKEN,
            HATCHET_CLIENT_HOST_PORT: stack.HATCHET_CLIENT_HOST_PORT,
            HATCHET_CLIENT_TLS_STRATEGY: stack.HATCHET_CLIENT_TLS_STRATEGY,
          },
          timeoutMs: 240_000,
        },
      );
      expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
      expect(result.stderr).toMatch(/^PASS {2}the image's production tree ran migrate, api and worker/m);
      for (const step of ["assemble", "isolation", "migrate", "api + worker", "cli", "stop"]) {
        expect(result.stderr).toMatch(new RegExp(`^ {2}✓ ${step.replace("+", "\\+")} `, "m"));
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 300_000);
});
