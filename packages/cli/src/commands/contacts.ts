import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { recordAudit } from "@hogsend/access";
import { contactTimeline, exportContact, listContactSends } from "@hogsend/db";
import { eraseContactEverywhere } from "@hogsend/engine";
import { openEngineClient } from "../engine-context.js";
import { CliError, EXIT, unknownCommand } from "../exit-codes.js";
import { findContactByHandle } from "../find-contact.js";

export const CONTACTS_HELP = `Usage: hogsend contacts <command> <contact> [options]

A person's data on request. <contact> is a contact id, an email or a user id.

Commands:
  get <contact> [--json]          the contact: identities, properties, preferences
  timeline <contact> [--json]     their latest events, journey enrollments and sends, newest first
  import FILE.csv|FILE.jsonl      import contacts, streamed and resumable (see contacts import --help)
  export <contact> [--out FILE]   everything stored about them, as one JSON document (stdout or FILE)
  erase  <contact> --yes          cancel their journey runs, delete their events, enrollments,
                                  preferences and the contact, anonymise their sends; keeps only a
                                  hash of their address so marketing mail cannot reach it again.
                                  Not reversible.

Export and erase are written to the audit log (actor: system). All need the api's environment:
erase cancels journey runs on Hatchet. Exit codes: 0 ok, 64 usage, 65 unknown contact, 78 bad
environment, 1 other.`;

export async function contacts(args: string[], out: (line: string) => void): Promise<number> {
  const [command, ...rest] = args;
  if (!command || command === "--help" || command === "-h") {
    out(CONTACTS_HELP);
    return command ? EXIT.OK : EXIT.USAGE;
  }
  if (command === "import") {
    const { importContacts } = await import("./contacts-import.js");
    return importContacts(rest, out);
  }
  if (command !== "export" && command !== "erase" && command !== "get" && command !== "timeline")
    throw unknownCommand(
      "contacts",
      command,
      ["get", "timeline", "export", "erase", "import"],
      CONTACTS_HELP,
    );
  let parsed: {
    values: { out?: string; yes?: boolean; json?: boolean; help?: boolean };
    positionals: string[];
  };
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        out: { type: "string" },
        yes: { type: "boolean" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n\n${CONTACTS_HELP}`, EXIT.USAGE);
  }
  if (parsed.values.help) {
    out(CONTACTS_HELP);
    return EXIT.OK;
  }
  const [who] = parsed.positionals;
  if (!who || parsed.positionals.length > 1)
    throw new CliError(`name one contact: an id, an email or a user id\n\n${CONTACTS_HELP}`, EXIT.USAGE);
  if (command === "erase" && !parsed.values.yes)
    throw new CliError(`erase is not reversible: add --yes to erase ${who}`, EXIT.USAGE);

  const client = openEngineClient("contacts");
  try {
    const { db, sql } = client.db;
    const contact = await findContactByHandle(db, who);
    if (!contact) throw new CliError(`no contact ${who}`, EXIT.DATA);
    if (command === "get" || command === "timeline") {
      const timeline = await contactTimeline(db, contact.id, { eventLimit: 50, stateLimit: 50 });
      const sends = await listContactSends(db, contact.id, { limit: 50 });
      if (parsed.values.json) {
        out(
          JSON.stringify(
            command === "get"
              ? { contact, preferences: timeline.preferences ?? null }
              : { events: timeline.events.items, journeyStates: timeline.journeyStates.items, sends },
            null,
            2,
          ),
        );
        return EXIT.OK;
      }
      if (command === "get") {
        out(`${contact.id}  ${contact.email ?? "(no email)"}  user ${contact.externalId ?? "-"}`);
        out(`  properties: ${JSON.stringify(contact.properties)}`);
        out(
          `  first seen ${contact.firstSeenAt.toISOString()}, last seen ${contact.lastSeenAt.toISOString()}`,
        );
        const p = timeline.preferences;
        out(
          p
            ? `  preferences: ${p.unsubscribedAll ? "unsubscribed from all" : `opted out of [${p.optedOutCategories.join(", ")}]`}${p.suppressed ? `, suppressed (${p.suppressedReason})` : ""}`
            : "  preferences: subscribed to everything",
        );
        return EXIT.OK;
      }
      const items = [
        ...timeline.events.items.map((e) => ({ at: e.occurredAt, text: `event ${e.event} (${e.source})` })),
        ...timeline.journeyStates.items.map((j) => ({
          at: j.startedAt,
          text: `journey ${j.journeyId}: ${j.status}`,
        })),
        ...sends.map((m) => ({ at: m.createdAt, text: `email ${m.template}: ${m.status}` })),
      ].sort((a, b) => b.at.getTime() - a.at.getTime());
      for (const item of items) out(`${item.at.toISOString()}  ${item.text}`);
      if (items.length === 0) out("nothing yet");
      return EXIT.OK;
    }
    if (command === "export") {
      const data = await exportContact(sql, contact.id);
      const text = JSON.stringify({ exportedAt: new Date().toISOString(), ...data }, null, 2);
      if (parsed.values.out) await writeFile(parsed.values.out, `${text}\n`, { mode: 0o600 });
      else out(text);
      await recordAudit(db, "system", {
        action: "contact.export",
        resourceType: "contact",
        resourceId: contact.id,
      });
      if (parsed.values.out) out(`exported contact ${contact.id} to ${parsed.values.out}`);
      return EXIT.OK;
    }
    const erased = await eraseContactEverywhere(client, contact.id);
    if (!erased) throw new CliError(`no contact ${who}`, EXIT.DATA);
    await recordAudit(db, "system", {
      action: "contact.erase",
      resourceType: "contact",
      resourceId: contact.id,
      metadata: erased,
    });
    out(
      `erased contact ${contact.id}: ${erased.events} events, ${erased.journeyStates} enrollments ` +
        `(${erased.journeyRunsCancelled} runs cancelled), ${erased.sendsAnonymised} sends anonymised` +
        `${erased.addressHashed ? "; address kept as a hash" : ""}`,
    );
    return EXIT.OK;
  } finally {
    await client.close();
  }
}
