import { parseArgs } from "node:util";
import { defaultClientMigrationsDir } from "@hogsend/db";
import { engineTrack } from "@hogsend/db/migrations";
import { doctorPassed, formatDoctor, runDoctor } from "@hogsend/engine";
import { processEnv } from "../env.js";
import { CliError, EXIT } from "../exit-codes.js";

export const DOCTOR_HELP = `Usage: hogsend doctor [--mode api|worker|migrate] [--json] [--timeout MS]

Checks a deployment from where it runs, with this environment, one line per check and the fix
for anything wrong: the env contract of the run mode; Postgres, Redis and Hatchet (with
latencies); a worker's heartbeat; both migration tracks (pending, and applied files changed
since); the email provider's credentials (a read-only API call); API_PUBLIC_URL; the sending
domain's SPF, DKIM and DMARC (skipped offline); the webhook secrets; the clock against Postgres.

Exit codes: 0 every required check passed (warnings allowed), 1 a required check failed, 64 usage.`;

export async function doctor(args: string[], out: (line: string) => void): Promise<number> {
  let values: { mode?: string; json?: boolean; timeout?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        mode: { type: "string", default: "api" },
        json: { type: "boolean", default: false },
        timeout: { type: "string", default: "5000" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n\n${DOCTOR_HELP}`, EXIT.USAGE);
  }
  if (values.help) {
    out(DOCTOR_HELP);
    return EXIT.OK;
  }
  const mode = values.mode;
  if (mode !== "api" && mode !== "worker" && mode !== "migrate")
    throw new CliError(`--mode takes api, worker or migrate, got ${mode}\n\n${DOCTOR_HELP}`, EXIT.USAGE);
  const timeoutMs = Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1)
    throw new CliError(`--timeout takes milliseconds, got ${values.timeout}`, EXIT.USAGE);
  const source = processEnv();
  const checks = await runDoctor({
    mode,
    source,
    engineFolder: engineTrack().folder,
    clientFolder: source.CLIENT_MIGRATIONS_DIR ?? defaultClientMigrationsDir(),
    version: "doctor",
    timeoutMs,
  });
  const passed = doctorPassed(checks);
  out(values.json ? JSON.stringify({ passed, checks }, null, 2) : formatDoctor(checks));
  return passed ? EXIT.OK : EXIT.FAILURE;
}
