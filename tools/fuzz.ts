/**
 * `pnpm fuzz`: schemathesis against the built api's own OpenAPI document, once with a full-admin
 * key and once with an ingest-and-send key, on a stack of its own (ephemeral Postgres, Redis,
 * Hatchet). It fails on any 5xx, any answer outside the documented statuses, content types or
 * schemas. Rate limits are lifted for the run so they cannot hide a failure behind a 429.
 *
 * Schemathesis comes from PyPI: `.ci/run` installs it into .hogsend/venv; SCHEMATHESIS names
 * another binary. Ends with `RESULT fuzz cases=… failures=…`; exits 1 on any failure.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { hogsendDir } from "@hogsend/devstack";
import { startLocalApi } from "./bench/local-api.js";
import { positiveInt, readCliOptions, UsageError } from "./bench/options.js";
import { resultLine } from "./bench/result-line.js";

const root = resolve(import.meta.dirname, "..");
const log = (line: string) => process.stderr.write(`[fuzz] ${line}\n`);
const USAGE = `pnpm fuzz [--examples N] [--seed N] [--build]

Runs schemathesis (checks: no 5xx, documented status codes, content types and response
schemas) against every operation of /openapi.json on the built api, with an admin key and
with an ingest-and-send key.

  --examples N   generated cases per operation and phase       default 30
  --seed N       the generator's seed, so a run can be replayed default 20261204
  --build        rebuild apps/api/dist first (built when missing)`;

interface FuzzOptions {
  examples: number;
  seed: number;
  build: boolean;
}

const options = readCliOptions<FuzzOptions>((argv) => {
  let values: { examples: string; seed: string; build: boolean; help: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        examples: { type: "string", default: "30" },
        seed: { type: "string", default: "20261204" },
        build: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return "help";
  return {
    examples: positiveInt("examples", values.examples),
    seed: positiveInt("seed", values.seed),
    build: values.build,
  };
}, USAGE);

const binary = process.env.SCHEMATHESIS ?? join(hogsendDir(root), "venv/bin/schemathesis");
if (!existsSync(binary)) {
  log(
    `no schemathesis at ${binary}: python3 -m venv .hogsend/venv && .hogsend/venv/bin/pip install schemathesis`,
  );
  process.exit(1);
}

const workDir = join(hogsendDir(root), "fuzz");
mkdirSync(workDir, { recursive: true });

const ADMIN_KEY = `adm_fuzz_${"k".repeat(40)}`;
const local = await startLocalApi({
  root,
  runId: `fuzz_${Date.now().toString(36)}`,
  ephemeral: true,
  build: options.build,
  profileDir: undefined,
  env: {
    // The OpenAPI document is served outside production only.
    NODE_ENV: "development",
    ADMIN_API_KEY: ADMIN_KEY,
    ADMIN_RATE_LIMIT_PER_MINUTE: "100000000",
    EMAIL_SEND_RATE_LIMIT_PER_MINUTE: "100000000",
  },
  log,
});

let cases = 0;
let failures = 0;
try {
  for (const [who, key] of [
    ["full-admin key", ADMIN_KEY],
    ["ingest-and-send key", local.key],
  ] as const) {
    log(`schemathesis with the ${who}`);
    const run = spawnSync(
      binary,
      [
        "run",
        `${local.url}/openapi.json`,
        "--header",
        `Authorization: Bearer ${key}`,
        "--checks",
        "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        String(options.examples),
        "--seed",
        String(options.seed),
        // One worker: with two threads, Python 3.11's ast.parse (hypothesis describes its lambdas
        // with it) can fail with "AST constructor recursion depth mismatch" (CPython gh-106905), a
        // crash of the fuzzer that reads as a failure of the API.
        "--workers",
        "1",
        "--no-color",
      ],
      // Its cache (.schemathesis/) lands under .hogsend, not in the repository.
      { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, cwd: workDir },
    );
    const output = `${run.stdout}${run.stderr}`;
    const generated = /(\d+) generated/.exec(output);
    cases += generated ? Number(generated[1]) : 0;
    const found = /found (\d+) unique failure/.exec(output);
    const failed = run.status === 0 ? 0 : found ? Number(found[1]) : 1;
    failures += failed;
    // The summary, and the failures in full when there are any.
    process.stdout.write(failed > 0 ? output : `${output.slice(output.lastIndexOf("= SUMMARY ="))}\n`);
  }
} finally {
  await local.stop();
}
process.stdout.write(`${resultLine("fuzz", { cases, failures })}\n`);
process.exit(failures > 0 ? 1 : 0);
