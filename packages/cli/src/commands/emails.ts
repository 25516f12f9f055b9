import { parseArgs } from "node:util";
import { recordAudit } from "@hogsend/access";
import {
  EMAIL_SEND_STATUSES,
  type EmailSend,
  type EmailSendStatus,
  emailSendDetail,
  listEmailSends,
  requeueFailedSend,
} from "@hogsend/db";
import { openContext } from "../context.js";
import { CliError, EXIT, unknownCommand } from "../exit-codes.js";
import { findContactByHandle } from "../find-contact.js";

export const EMAILS_HELP = `Usage: hogsend emails <command> [options]

Sends, straight in the database (needs DATABASE_URL and BETTER_AUTH_SECRET).

Commands:
  list [--status S] [--template T] [--to CONTACT] [--limit N] [--json]
                    newest first; CONTACT is an id, email or user id
  show <id> [--json]  one send with its timeline and per-link clicks
  resend <id>         put a failed send back in the queue (the worker sends it); audited

Statuses: ${EMAIL_SEND_STATUSES.join(", ")}.
Exit codes: 0 ok, 64 usage, 65 unknown send or contact, or a send that is not failed.`;

const line = (s: EmailSend) =>
  `${s.id}  ${s.createdAt.toISOString()}  ${s.status.padEnd(10)}  ${s.template}  → ${s.toEmail}` +
  `${s.reason ? `  (${s.reason})` : ""}`;

export async function emails(args: string[], out: (line: string) => void): Promise<number> {
  const [command, ...rest] = args;
  if (!command || command === "--help" || command === "-h") {
    out(EMAILS_HELP);
    return command ? EXIT.OK : EXIT.USAGE;
  }
  if (command !== "list" && command !== "show" && command !== "resend")
    throw unknownCommand("emails", command, ["list", "show", "resend"], EMAILS_HELP);
  let parsed: {
    values: {
      status?: string;
      template?: string;
      to?: string;
      limit?: string;
      json?: boolean;
      help?: boolean;
    };
    positionals: string[];
  };
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        status: { type: "string" },
        template: { type: "string" },
        to: { type: "string" },
        limit: { type: "string", default: "50" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n\n${EMAILS_HELP}`, EXIT.USAGE);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(EMAILS_HELP);
    return EXIT.OK;
  }
  const status = values.status;
  if (status !== undefined && !(EMAIL_SEND_STATUSES as readonly string[]).includes(status))
    throw new CliError(`--status takes ${EMAIL_SEND_STATUSES.join(", ")}, got ${status}`, EXIT.USAGE);
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1_000)
    throw new CliError(`--limit takes 1 to 1000, got ${values.limit}`, EXIT.USAGE);
  const id = positionals[0];
  if (command !== "list" && (!id || !/^[0-9a-f-]{36}$/i.test(id)))
    throw new CliError(`name the send by its id\n\n${EMAILS_HELP}`, EXIT.USAGE);

  const ctx = await openContext();
  try {
    const { db, sql } = ctx.db;
    if (command === "list") {
      const contact = values.to ? await findContactByHandle(db, values.to) : undefined;
      if (values.to && !contact) throw new CliError(`no contact ${values.to}`, EXIT.DATA);
      const page = await listEmailSends(db, {
        limit,
        status: status as EmailSendStatus | undefined,
        template: values.template,
        contactId: contact?.id,
      });
      if (values.json) out(JSON.stringify(page.items, null, 2));
      else if (page.items.length === 0) out("no sends");
      else for (const s of page.items) out(line(s));
      return EXIT.OK;
    }
    const sendId = id ?? "";
    if (command === "show") {
      const detail = await emailSendDetail(db, sendId, { eventLimit: 200 });
      if (!detail) throw new CliError(`no send ${sendId}`, EXIT.DATA);
      if (values.json) out(JSON.stringify(detail, null, 2));
      else {
        out(line(detail.send));
        out(`  subject: ${detail.send.subject}`);
        for (const e of detail.events) out(`  ${e.occurredAt.toISOString()}  ${e.type}`);
        for (const l of detail.links) out(`  link ${l.url}: ${JSON.stringify(l)}`);
      }
      return EXIT.OK;
    }
    if (!(await requeueFailedSend(sql, sendId))) {
      const detail = await emailSendDetail(db, sendId, { eventLimit: 0 });
      throw new CliError(
        detail
          ? `send ${sendId} is ${detail.send.status}: only a failed send is sent again`
          : `no send ${sendId}`,
        EXIT.DATA,
      );
    }
    await recordAudit(db, "system", {
      action: "email.resend",
      resourceType: "email_send",
      resourceId: sendId,
    });
    out(`send ${sendId} queued again: the worker's dispatcher sends it`);
    return EXIT.OK;
  } finally {
    await ctx.close();
  }
}
