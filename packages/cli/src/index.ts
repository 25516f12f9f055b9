/**
 * `hogsend`: the operator's command line. Runs against the database directly, so it works
 * before the api is up (the first admin) and when it is down.
 */
import { CliError, EXIT } from "./exit-codes.js";

const HELP = `Usage: hogsend <command> [options]

Commands:
  doctor                           check a deployment: env, services, migrations, provider, DNS
  contacts get|timeline <contact>  a contact, and their events, enrollments and sends
  contacts export|erase <contact>  a person's data on request: export it, or erase it
  events tail                      follow events as they are stored
  keys create|list|revoke          API keys: mint (secret shown once), list, revoke
  suppressions list|add|remove     who Hogsend will not mail
  emails list|show|resend          sends: find them, see one, send a failed one again
  studio admin create|reset|list   manage Studio admins
  hatchet token                    mint HATCHET_CLIENT_TOKEN on a hatchet-lite under docker compose

Run \`hogsend <command> --help\` for a command's options.`;

export async function main(argv: string[], out = (line: string) => console.log(line)): Promise<number> {
  const [group, sub, ...rest] = argv;
  if (!group || group === "--help" || group === "-h") {
    out(HELP);
    return group ? EXIT.OK : EXIT.USAGE;
  }
  if (group === "studio" && (sub === "admin" || sub === undefined || sub === "--help")) {
    // Commands load on demand: studio admin pulls in the engine, which `hatchet token` does not need.
    const { studioAdmin } = await import("./commands/studio-admin.js");
    return studioAdmin(sub === "admin" ? rest : ["--help"], out);
  }
  if (group === "events") {
    const { events } = await import("./commands/events.js");
    return events(argv.slice(1), out);
  }
  if (group === "emails") {
    const { emails } = await import("./commands/emails.js");
    return emails(argv.slice(1), out);
  }
  if (group === "suppressions") {
    const { suppressions } = await import("./commands/suppressions.js");
    return suppressions(argv.slice(1), out);
  }
  if (group === "keys") {
    const { keys } = await import("./commands/keys.js");
    return keys(argv.slice(1), out);
  }
  if (group === "contacts") {
    const { contacts } = await import("./commands/contacts.js");
    return contacts(argv.slice(1), out);
  }
  if (group === "doctor") {
    const { doctor } = await import("./commands/doctor.js");
    return doctor(argv.slice(1), out);
  }
  if (group === "hatchet") {
    const { hatchet } = await import("./commands/hatchet-token.js");
    return hatchet(sub === undefined ? ["--help"] : [sub, ...rest], out);
  }
  throw new CliError(`unknown command: ${argv.join(" ")}\n\n${HELP}`, EXIT.USAGE);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof CliError) {
      console.error(err.message);
      process.exit(err.exitCode);
    }
    console.error(`hogsend: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(EXIT.FAILURE);
  },
);
