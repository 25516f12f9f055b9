import { parseArgs } from "node:util";
import {
  createStudioUser,
  generatePassword,
  listStudioAdmins,
  recordAudit,
  resetStudioAdminPassword,
} from "@hogsend/access";
import { STUDIO_ROLES, type StudioRole } from "@hogsend/db";
import { openContext } from "../context.js";
import { asCliError, CliError, EXIT, unknownCommand } from "../exit-codes.js";

export const STUDIO_ADMIN_HELP = `Usage: hogsend studio admin <command> [options]

Manage Studio admins straight in the database (needs DATABASE_URL and BETTER_AUTH_SECRET;
REDIS_URL too where the api keeps sessions in Redis).

Commands:
  create --email E [--password P] [--role R]
                                    mint a user (role admin, operator or viewer; default admin);
                                    without --password one is generated and printed once
  reset  --email E [--password P]   set a new password (generated when omitted) and end their sessions
  list                              list Studio users and their roles

Exit codes: 0 ok, 64 usage, 65 refused input (weak password, bad or duplicate email, unknown user),
69 database unreachable, 78 missing or invalid environment, 1 anything else.`;

const CREATE_HELP = `Usage: hogsend studio admin create --email E [--password P] [--role admin|operator|viewer]

Mints a Studio user (public sign-up stays closed), an admin unless --role says otherwise: a viewer
reads everything but keys and users, an operator also acts on journeys, contacts and sends.
Passwords need at least 8 characters; without --password a strong one is generated and printed once.`;

const RESET_HELP = `Usage: hogsend studio admin reset --email E [--password P]

Sets a new password for an existing Studio user and signs them out everywhere. Without
--password a strong one is generated and printed once.`;

const LIST_HELP = `Usage: hogsend studio admin list

Lists Studio users: email, role, name, created.`;

const OPTIONS = {
  email: { type: "string" },
  password: { type: "string" },
  role: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function parse(args: string[]) {
  try {
    return parseArgs({ args, options: OPTIONS, allowPositionals: false });
  } catch (err) {
    throw new CliError((err as Error).message, EXIT.USAGE);
  }
}

function refused(err: unknown): never {
  throw asCliError(err);
}

export async function studioAdmin(args: string[], out: (line: string) => void): Promise<number> {
  const [command, ...rest] = args;
  if (!command || command === "--help" || command === "-h") {
    out(STUDIO_ADMIN_HELP);
    return command ? EXIT.OK : EXIT.USAGE;
  }
  switch (command) {
    case "create":
    case "reset": {
      const { values } = parse(rest);
      if (values.help) {
        out(command === "create" ? CREATE_HELP : RESET_HELP);
        return EXIT.OK;
      }
      if (typeof values.email !== "string")
        throw new CliError(
          `--email is required\n\n${command === "create" ? CREATE_HELP : RESET_HELP}`,
          EXIT.USAGE,
        );
      const role = (values.role ?? "admin") as StudioRole;
      if (!STUDIO_ROLES.includes(role))
        throw new CliError(`--role takes ${STUDIO_ROLES.join(", ")}; got ${values.role}`, EXIT.USAGE);
      if (command === "reset" && values.role !== undefined)
        throw new CliError(
          `reset takes no --role (the Studio's Users page changes roles)\n\n${RESET_HELP}`,
          EXIT.USAGE,
        );
      const generated = typeof values.password !== "string";
      const password = typeof values.password === "string" ? values.password : generatePassword();
      const ctx = await openContext();
      try {
        const user = await (command === "create"
          ? createStudioUser(ctx.auth, { email: values.email, password, role })
          : resetStudioAdminPassword(ctx.auth, { email: values.email, password })
        ).catch(refused);
        await recordAudit(ctx.db.db, "system", {
          action: command === "create" ? "studio_admin.create" : "studio_admin.reset_password",
          resourceType: "user",
          resourceId: user.id,
          metadata: {
            email: user.email,
            via: "cli",
            passwordGenerated: generated,
            ...(command === "create" ? { role } : {}),
          },
        });
        out(
          command === "create"
            ? `created Studio ${role} ${user.email}`
            : `reset the password of ${user.email} and ended their sessions`,
        );
        if (generated) out(`password: ${password}\n(shown once: store it now)`);
        return EXIT.OK;
      } finally {
        await ctx.close();
      }
    }
    case "list": {
      const { values } = parse(rest);
      if (values.help) {
        out(LIST_HELP);
        return EXIT.OK;
      }
      const ctx = await openContext();
      try {
        const admins = await listStudioAdmins(ctx.db.db);
        if (admins.length === 0)
          out("no Studio users yet: `hogsend studio admin create --email you@example.com`");
        for (const a of admins) out(`${a.email}\t${a.role}\t${a.name}\t${a.createdAt.toISOString()}`);
        return EXIT.OK;
      } finally {
        await ctx.close();
      }
    }
    default:
      throw unknownCommand("studio admin", command, ["create", "reset", "list"], STUDIO_ADMIN_HELP);
  }
}
