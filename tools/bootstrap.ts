/**
 * `pnpm bootstrap`: a `.env` from `.env.example` with a fresh BETTER_AUTH_SECRET (never over an
 * existing one), then, when a Docker engine answers, the docker compose infra, a Hatchet token
 * and both migration tracks. Without Docker it says so and points to `pnpm dev`, which needs none.
 * `--dir PATH` bootstraps another checkout (tests).
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs, parseEnv } from "node:util";
import { runToExit } from "@hogsend/devstack/process";
import { chooseInfra, writeEnvFile } from "./bootstrap/env-file.js";

const log = (line: string) => console.log(`[bootstrap] ${line}`);
const { values } = parseArgs({ options: { dir: { type: "string" } } });
const dir = resolve(values.dir ?? join(import.meta.dirname, ".."));
const tsx = join(import.meta.dirname, "../node_modules/.bin/tsx");

/** Runs a command with inherited output; resolves with its exit code (null when it could not start). */
function run(command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<number | null> {
  return runToExit(command, args, {
    cwd: dir,
    env,
    stdio: "inherit",
    timeoutMs: Number.POSITIVE_INFINITY,
  }).then(
    (result) => result.code,
    () => null,
  );
}

/** `docker info` succeeds: an engine answers, not merely a client on PATH. Bounded to 10 s. */
function dockerAnswers(): Promise<boolean> {
  return runToExit("docker", ["info", "--format", "{{.ServerVersion}}"], { timeoutMs: 10_000 }).then(
    (result) => result.code === 0,
    () => false,
  );
}

async function main(): Promise<number> {
  if (existsSync(join(dir, ".env"))) {
    log(`${join(dir, ".env")} exists; leaving it as it is (delete it to bootstrap again)`);
    return 0;
  }
  const docker = await dockerAnswers();
  const composeFile = existsSync(join(dir, "docker-compose.yml"));
  const infra = chooseInfra({ dockerAnswers: docker, composeFile });
  const { path } = await writeEnvFile(dir, { infra });
  log(`wrote ${path} (mode 0600) with a fresh BETTER_AUTH_SECRET`);
  if (infra === "embedded") {
    log(
      docker
        ? `no docker-compose.yml in ${dir}, so no docker compose infra.`
        : "no Docker engine answers (`docker info`), so no docker compose infra.",
    );
    log("Run `pnpm dev`: it starts Postgres, Redis and Hatchet itself, without Docker.");
    return 0;
  }

  log("starting the docker compose infra (Postgres 5434, Redis 6380, Hatchet 7077/8888)");
  if ((await run("docker", ["compose", "up", "-d", "--wait"])) !== 0) {
    log("docker compose up failed; fix the above, run `docker compose up -d --wait`, then finish with:");
    log("  pnpm hogsend hatchet token --exec --write-env .env && pnpm db:migrate");
    return 1;
  }
  const tokenCommand = ["hogsend", "hatchet", "token", "--exec", "--write-env", ".env"];
  const cli = join(dir, "packages/cli/src/commands/hatchet-token.ts");
  const minted =
    existsSync(cli) && (await run(tsx, ["packages/cli/src/index.ts", ...tokenCommand.slice(1)])) === 0;
  if (!minted) {
    log(
      `could not mint the Hatchet token here; run \`pnpm ${tokenCommand.join(" ")}\`, then \`pnpm db:migrate\``,
    );
    return 1;
  }
  const env = { ...process.env, ...parseEnv(await readFile(join(dir, ".env"), "utf8")) };
  if ((await run(tsx, ["packages/db/src/migrate.ts"], env)) !== 0) {
    log("migrations failed; see above, then `pnpm db:migrate`");
    return 1;
  }
  log("done: `pnpm dev` runs the api and the worker against this infra (`docker compose down` stops it)");
  return 0;
}

process.exitCode = await main();
