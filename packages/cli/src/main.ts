/**
 * `hogsend`: the operator's command line. Runs against the database directly, so it works
 * before the api is up (the first admin) and when it is down. A deployment runs it with its
 * content (`apps/api/src/cli.ts`), which the journey verbs and `events send` need.
 */
import { suggest } from "@hogsend/core";
import type { RuntimeContent } from "@hogsend/engine";
import { CliError, EXIT } from "./exit-codes.js";

const HELP = `Usage: hogsend <command> [options]

Commands:
  doctor                           check a deployment: env, services, migrations, provider, DNS
  contacts get|timeline <contact>  a contact, and their events, enrollments and sends
  contacts export|erase <contact>  a person's data on request: export it, or erase it
  contacts import FILE             import an audience from CSV or JSON Lines, resumable
  events send|tail                 record an event as the api would; follow events as stored
  journeys list|enable|disable     the deployment's journeys, with counts; switch one on or off
  journeys enroll|cancel           enroll a contact by hand; cancel a live enrollment
  keys create|list|revoke          API keys: mint (secret shown once), list, revoke
  suppressions list|add|remove     who Hogsend will not mail
  suppressions import|export       a provider's suppression list, as CSV
  emails list|show|resend          sends: find them, see one, send a failed one again
  studio admin create|reset|list   manage Studio admins
  hatchet token                    mint HATCHET_CLIENT_TOKEN on a hatchet-lite under docker compose

Run \`hogsend <command> --help\` for a command's options.`;

const GROUPS = [
  "doctor",
  "contacts",
  "events",
  "journeys",
  "keys",
  "suppressions",
  "emails",
  "studio",
  "hatchet",
];

type Out = (line: string) => void;

/** Runs one command line; `content` is the deployment's (journeys, templates), when it has one. */
export async function main(argv: string[], out: Out = (line) => console.log(line), content?: RuntimeContent) {
  const [group, sub, ...rest] = argv;
  if (!group || group === "--help" || group === "-h") {
    out(HELP);
    return group ? EXIT.OK : EXIT.USAGE;
  }
  // Commands load on demand: `hatchet token` needs no database, `studio admin` no engine.
  switch (group) {
    case "studio":
      if (sub === "admin" || sub === undefined || sub === "--help") {
        const { studioAdmin } = await import("./commands/studio-admin.js");
        return studioAdmin(sub === "admin" ? rest : ["--help"], out);
      }
      break;
    case "events": {
      const { events } = await import("./commands/events.js");
      return events(argv.slice(1), out, content);
    }
    case "journeys": {
      const { journeys } = await import("./commands/journeys.js");
      return journeys(argv.slice(1), out, content);
    }
    case "emails": {
      const { emails } = await import("./commands/emails.js");
      return emails(argv.slice(1), out);
    }
    case "suppressions": {
      const { suppressions } = await import("./commands/suppressions.js");
      return suppressions(argv.slice(1), out);
    }
    case "keys": {
      const { keys } = await import("./commands/keys.js");
      return keys(argv.slice(1), out);
    }
    case "contacts": {
      const { contacts } = await import("./commands/contacts.js");
      return contacts(argv.slice(1), out);
    }
    case "doctor": {
      const { doctor } = await import("./commands/doctor.js");
      return doctor(argv.slice(1), out);
    }
    case "hatchet": {
      const { hatchet } = await import("./commands/hatchet-token.js");
      return hatchet(sub === undefined ? ["--help"] : [sub, ...rest], out);
    }
  }
  const best = suggest(group, GROUPS);
  throw new CliError(
    `unknown command: ${argv.join(" ")}${best && best !== group ? ` (did you mean ${best}?)` : ""}\n\n${HELP}`,
    EXIT.USAGE,
  );
}

/** The process entry: runs `process.argv`, prints a CliError's message, exits with its code. */
export async function runCli(content?: RuntimeContent): Promise<never> {
  try {
    process.exit(await main(process.argv.slice(2), undefined, content));
  } catch (err) {
    if (err instanceof CliError) {
      console.error(err.message);
      process.exit(err.exitCode);
    }
    console.error(`hogsend: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(EXIT.FAILURE);
  }
}
