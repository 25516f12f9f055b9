import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { CliError, EXIT, unknownCommand } from "../exit-codes.js";

/** The tenant hatchet-lite seeds on first start (`hatchet-admin quickstart`). */
export const HATCHET_LITE_TENANT_ID = "707d0855-80ab-4e1f-a156-f1c4546cbf52";
/**
 * hatchet-admin's own default is 90 days, after which every api and worker loses the engine at
 * once. 876000h (100 years) is what the Hatchet CLI mints for its local server.
 */
const DEFAULT_EXPIRES_IN = "876000h";
const EXEC_TIMEOUT_MS = 120_000;

export const HATCHET_HELP = `Usage: hogsend hatchet <command> [options]

Commands:
  token   mint HATCHET_CLIENT_TOKEN on a hatchet-lite running under docker compose`;

export const HATCHET_TOKEN_HELP = `Usage: hogsend hatchet token [--exec [--write-env PATH]] [--compose-file FILE]
                             [--service NAME] [--name NAME] [--expires-in DURATION]

Mints an API token for Hogsend's tenant on a hatchet-lite started by docker compose
(docker-compose.yml for dev infra, docker-compose.prod.yml for the full stack). Tokens are
signed with keys kept in hatchet-lite's /config volume, so hatchet-admin mints them inside
that container; this command prints or runs that step.

Without --exec it prints the steps and the exact command.
  --exec                 run it (needs the docker CLI and the service up) and print the token
  --write-env PATH       with --exec: write HATCHET_CLIENT_TOKEN into PATH instead of printing it
  --compose-file FILE    compose file (default docker-compose.yml)
  --service NAME         hatchet-lite's service name (default hatchet-lite)
  --name NAME            token name shown in the Hatchet dashboard (default hogsend)
  --expires-in DURATION  Go duration (default ${DEFAULT_EXPIRES_IN}, about 100 years; hatchet-admin's
                         own default is 90 days)

Hatchet Cloud: create the token in its dashboard (Settings → API Tokens) instead.

Exit codes: 0 ok, 64 usage, 69 docker missing or the service not running, 1 anything else.`;

const OPTIONS = {
  exec: { type: "boolean" },
  "write-env": { type: "string" },
  "compose-file": { type: "string", default: "docker-compose.yml" },
  service: { type: "string", default: "hatchet-lite" },
  name: { type: "string", default: "hogsend" },
  "expires-in": { type: "string", default: DEFAULT_EXPIRES_IN },
  help: { type: "boolean", short: "h" },
} as const;

function parse(args: string[]) {
  try {
    return parseArgs({ args, options: OPTIONS, allowPositionals: false });
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n\n${HATCHET_TOKEN_HELP}`, EXIT.USAGE);
  }
}

interface TokenOptions {
  composeFile: string;
  service: string;
  name: string;
  expiresIn: string;
}

/** The docker command that mints a token inside the hatchet-lite container. */
export function hatchetTokenCommand(o: TokenOptions): string[] {
  return [
    "docker",
    "compose",
    "-f",
    o.composeFile,
    "exec",
    "-T",
    o.service,
    "/hatchet-admin",
    "token",
    "create",
    "--config",
    "/config",
    "--tenant-id",
    HATCHET_LITE_TENANT_ID,
    "--name",
    o.name,
    "--expiresIn",
    o.expiresIn,
  ];
}

const shellQuote = (arg: string) =>
  /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
const shellLine = (argv: string[]) => argv.map(shellQuote).join(" ");

function steps(o: TokenOptions): string {
  const compose = `docker compose -f ${shellQuote(o.composeFile)}`;
  return `Mint HATCHET_CLIENT_TOKEN on hatchet-lite (${o.composeFile}):

  1. start it:      ${compose} up -d ${shellQuote(o.service)}
  2. mint a token:  ${shellLine(hatchetTokenCommand(o))}
  3. put the printed token (eyJ…) in .env as HATCHET_CLIENT_TOKEN=…, then start or restart
     what uses it (${compose} up -d)

Or let this command run step 2 and write .env:
  hogsend hatchet token --exec --write-env .env${o.composeFile === "docker-compose.yml" ? "" : ` --compose-file ${shellQuote(o.composeFile)}`}`;
}

function run(argv: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [command, ...args] = argv as [string, ...string[]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), EXEC_TIMEOUT_MS);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Replaces the HATCHET_CLIENT_TOKEN line of an env file, or appends one; a new file is 0600. */
async function writeEnvToken(path: string, token: string): Promise<"replaced" | "added"> {
  const line = `HATCHET_CLIENT_TOKEN=${token}`;
  if (!existsSync(path)) {
    await writeFile(path, `${line}\n`, { mode: 0o600 });
    return "added";
  }
  const lines = (await readFile(path, "utf8")).split("\n");
  const at = lines.findIndex((l) => /^\s*(export\s+)?HATCHET_CLIENT_TOKEN\s*=/.test(l));
  if (at >= 0) lines[at] = line;
  else {
    if (lines.at(-1) === "") lines.pop();
    lines.push(line, "");
  }
  await writeFile(path, lines.join("\n"));
  return at >= 0 ? "replaced" : "added";
}

async function mint(o: TokenOptions): Promise<string> {
  const argv = hatchetTokenCommand(o);
  const compose = `docker compose -f ${shellQuote(o.composeFile)}`;
  let result: Awaited<ReturnType<typeof run>>;
  try {
    result = await run(argv);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT")
      throw new CliError(
        `docker is not on PATH. Mint the token where docker runs:\n  ${shellLine(argv)}`,
        EXIT.UNAVAILABLE,
      );
    throw err;
  }
  if (result.code !== 0)
    throw new CliError(
      `${shellLine(argv.slice(0, 7))} … exited with ${result.code ?? "a timeout"}: ${result.stderr.trim() || result.stdout.trim()}\n` +
        `Is ${o.service} up? ${compose} up -d ${shellQuote(o.service)}`,
      EXIT.UNAVAILABLE,
    );
  // hatchet-admin may log before the token; the token is the line that is a JWT.
  const token = result.stdout
    .split("\n")
    .map((l) => l.trim())
    .find((l) => /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/.test(l));
  if (!token)
    throw new CliError(`hatchet-admin printed no token:\n${result.stdout}${result.stderr}`, EXIT.FAILURE);
  return token;
}

export async function hatchetToken(args: string[], out: (line: string) => void): Promise<number> {
  const { values } = parse(args);
  if (values.help) {
    out(HATCHET_TOKEN_HELP);
    return EXIT.OK;
  }
  const o: TokenOptions = {
    composeFile: values["compose-file"],
    service: values.service,
    name: values.name,
    expiresIn: values["expires-in"],
  };
  if (!values.exec) {
    if (values["write-env"] !== undefined)
      throw new CliError("--write-env needs --exec (it writes the token that --exec mints)", EXIT.USAGE);
    out(steps(o));
    return EXIT.OK;
  }
  const token = await mint(o);
  const envFile = values["write-env"];
  if (envFile === undefined) {
    out(token);
    return EXIT.OK;
  }
  const how = await writeEnvToken(envFile, token);
  out(`${how} HATCHET_CLIENT_TOKEN in ${envFile} (token name ${o.name})`);
  return EXIT.OK;
}

export async function hatchet(args: string[], out: (line: string) => void): Promise<number> {
  const [command, ...rest] = args;
  if (!command || command === "--help" || command === "-h") {
    out(HATCHET_HELP);
    return command ? EXIT.OK : EXIT.USAGE;
  }
  if (command === "token") return hatchetToken(rest, out);
  throw unknownCommand("hatchet", command, ["token"], HATCHET_HELP);
}
