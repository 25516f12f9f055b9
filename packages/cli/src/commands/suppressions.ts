import { parseArgs } from "node:util";
import { recordAudit } from "@hogsend/access";
import { forgetErasedAddress, listSuppressions, updateEmailPreferences } from "@hogsend/db";
import { openContext } from "../context.js";
import { CliError, EXIT, unknownCommand } from "../exit-codes.js";
import { findContactByHandle } from "../find-contact.js";

export const SUPPRESSIONS_HELP = `Usage: hogsend suppressions <command> [options]

Who Hogsend will not mail (needs DATABASE_URL and BETTER_AUTH_SECRET). Audited as system.

Commands:
  list [--json]                        suppressed contacts (bounces, complaints, operators), and how
                                       many erased addresses are kept as hashes
  add <contact> [--reason R]           suppress a contact (id, email or user id): only system mail
                                       reaches them
  remove <contact|email>               lift a contact's suppression (and reset its bounce count), and
                                       forget an erased address's hash, so mail reaches it again
  import FILE [--dry-run] [--reason R] a provider's suppression export (CSV or JSON Lines): each
                                       address suppressed (see suppressions import --help)
  export [--out FILE]                  every suppressed contact as CSV

Exit codes: 0 ok, 64 usage, 65 unknown contact or address (or refused rows), 66 no such file,
69 database unreachable.`;

export async function suppressions(args: string[], out: (line: string) => void): Promise<number> {
  const [command, ...rest] = args;
  if (!command || command === "--help" || command === "-h") {
    out(SUPPRESSIONS_HELP);
    return command ? EXIT.OK : EXIT.USAGE;
  }
  if (command === "import" || command === "export") {
    const transfer = await import("./suppressions-transfer.js");
    return command === "import"
      ? transfer.importSuppressions(rest, out)
      : transfer.exportSuppressions(rest, out);
  }
  let parsed: { values: { reason?: string; json?: boolean; help?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        reason: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n\n${SUPPRESSIONS_HELP}`, EXIT.USAGE);
  }
  if (parsed.values.help) {
    out(SUPPRESSIONS_HELP);
    return EXIT.OK;
  }
  if (command !== "list" && command !== "add" && command !== "remove")
    throw unknownCommand(
      "suppressions",
      command,
      ["list", "add", "remove", "import", "export"],
      SUPPRESSIONS_HELP,
    );
  const [who] = parsed.positionals;
  if (command !== "list" && (!who || parsed.positionals.length > 1))
    throw new CliError(`name one contact: an id, an email or a user id\n\n${SUPPRESSIONS_HELP}`, EXIT.USAGE);

  const ctx = await openContext();
  try {
    const { db, sql } = ctx.db;
    if (command === "list") {
      const found = await listSuppressions(sql);
      if (parsed.values.json) out(JSON.stringify(found, null, 2));
      else {
        for (const c of found.contacts)
          out(
            `${c.contact_id}  ${c.email ?? c.external_id ?? "(no address)"}  ${c.reason ?? ""}  since ${c.since ? new Date(c.since).toISOString() : "?"}`,
          );
        out(
          `${found.contacts.length} suppressed contact(s); ${found.erasedAddresses} erased address(es) kept as hashes`,
        );
      }
      return EXIT.OK;
    }
    const handle = who ?? "";
    const contact = await findContactByHandle(db, handle);
    if (command === "add") {
      if (!contact) throw new CliError(`no contact ${handle}`, EXIT.DATA);
      const reason = parsed.values.reason?.trim() || "suppressed by an operator (CLI)";
      await updateEmailPreferences(db, contact.id, { suppressed: true, suppressedReason: reason });
      await recordAudit(db, "system", {
        action: "contact.suppress",
        resourceType: "contact",
        resourceId: contact.id,
        metadata: { reason },
      });
      out(`suppressed contact ${contact.id}: ${reason}`);
      return EXIT.OK;
    }
    const forgotten = handle.includes("@") ? await forgetErasedAddress(sql, handle) : false;
    if (contact) {
      await updateEmailPreferences(db, contact.id, { suppressed: false });
      await recordAudit(db, "system", {
        action: "contact.unsuppress",
        resourceType: "contact",
        resourceId: contact.id,
      });
    }
    if (forgotten)
      await recordAudit(db, "system", { action: "erased_address.forget", resourceType: "erased_address" });
    if (!contact && !forgotten) throw new CliError(`no contact or erased address ${handle}`, EXIT.DATA);
    out(
      [
        contact ? `lifted the suppression of contact ${contact.id}` : "",
        forgotten ? "forgot the erased address's hash" : "",
      ]
        .filter(Boolean)
        .join("; "),
    );
    return EXIT.OK;
  } finally {
    await ctx.close();
  }
}
