import { parseArgs } from "node:util";
import { createApiKey, recordAudit } from "@hogsend/access";
import { API_KEY_SCOPES, type ApiKey, type ApiKeyScope, listApiKeys, revokeApiKey } from "@hogsend/db";
import { openContext } from "../context.js";
import { CliError, EXIT, unknownCommand } from "../exit-codes.js";

export const KEYS_HELP = `Usage: hogsend keys <command> [options]

API keys, straight in the database (needs DATABASE_URL and BETTER_AUTH_SECRET). Audited as system.

Commands:
  create --name N --scope S[,S…] [--expires ISO-DATE]   mint a key; its secret is printed once
  list [--all] [--json]                                 live keys (--all: revoked too), never secrets
  revoke <id>                                           refuse the key from now on (other api replicas
                                                        within API_KEY_CACHE_TTL_MS)

Scopes: ${API_KEY_SCOPES.join(", ")}.
Exit codes: 0 ok, 64 usage, 65 refused input (unknown scope, unknown key), 69 database unreachable,
78 bad environment.`;

const OPTIONS = {
  name: { type: "string" },
  scope: { type: "string" },
  expires: { type: "string" },
  all: { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

const describe = (k: ApiKey) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  scopes: k.scopes,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  expiresAt: k.expiresAt?.toISOString() ?? null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
});

function scopesOf(value: string | undefined): ApiKeyScope[] {
  const scopes = (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = scopes.filter((s) => !(API_KEY_SCOPES as readonly string[]).includes(s));
  if (scopes.length === 0)
    throw new CliError(`--scope is required: one or more of ${API_KEY_SCOPES.join(", ")}`, EXIT.USAGE);
  if (unknown.length > 0)
    throw new CliError(`unknown scope ${unknown.join(", ")}: use ${API_KEY_SCOPES.join(", ")}`, EXIT.DATA);
  return scopes as ApiKeyScope[];
}

export async function keys(args: string[], out: (line: string) => void): Promise<number> {
  const [command, ...rest] = args;
  if (!command || command === "--help" || command === "-h") {
    out(KEYS_HELP);
    return command ? EXIT.OK : EXIT.USAGE;
  }
  let parsed: {
    values: {
      name?: string;
      scope?: string;
      expires?: string;
      all?: boolean;
      json?: boolean;
      help?: boolean;
    };
    positionals: string[];
  };
  try {
    parsed = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true });
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n\n${KEYS_HELP}`, EXIT.USAGE);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(KEYS_HELP);
    return EXIT.OK;
  }
  if (command !== "create" && command !== "list" && command !== "revoke")
    throw unknownCommand("keys", command, ["create", "list", "revoke"], KEYS_HELP);
  // Input is checked before the database is opened.
  let scopes: ApiKeyScope[] = [];
  let expiresAt: Date | null = null;
  if (command === "create") {
    if (!values.name?.trim()) throw new CliError(`--name is required\n\n${KEYS_HELP}`, EXIT.USAGE);
    scopes = scopesOf(values.scope);
    if (values.expires) {
      expiresAt = new Date(values.expires);
      if (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= Date.now())
        throw new CliError(`--expires must be a future ISO date, got ${values.expires}`, EXIT.DATA);
    }
  }
  if (command === "revoke" && positionals.length !== 1)
    throw new CliError(`name the key to revoke by its id\n\n${KEYS_HELP}`, EXIT.USAGE);

  const ctx = await openContext();
  try {
    const { db } = ctx.db;
    if (command === "create") {
      const { key, secret } = await createApiKey(db, {
        name: values.name ?? "",
        scopes,
        expiresAt,
        createdBy: "cli",
      });
      await recordAudit(db, "system", {
        action: "api_key.create",
        resourceType: "api_key",
        resourceId: key.id,
        metadata: {
          name: key.name,
          scopes: key.scopes,
          prefix: key.prefix,
          expiresAt: key.expiresAt?.toISOString() ?? null,
        },
      });
      if (values.json) out(JSON.stringify({ ...describe(key), secret }, null, 2));
      else {
        out(`created key ${key.id} (${key.name}, ${key.scopes.join(", ")})`);
        out(`secret, shown this once: ${secret}`);
      }
      return EXIT.OK;
    }
    if (command === "list") {
      const found = (await listApiKeys(db, { includeRevoked: values.all === true })).map(describe);
      if (values.json) out(JSON.stringify(found, null, 2));
      else if (found.length === 0) out("no keys");
      else
        for (const k of found)
          out(
            `${k.id}  ${k.prefix}…  ${k.name}  [${k.scopes.join(", ")}]  last used ${k.lastUsedAt ?? "never"}` +
              `${k.revokedAt ? `  revoked ${k.revokedAt}` : ""}`,
          );
      return EXIT.OK;
    }
    const id = positionals[0] ?? "";
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new CliError(`no live API key ${id}`, EXIT.DATA);
    const key = await revokeApiKey(db, id);
    if (!key) throw new CliError(`no live API key ${id}`, EXIT.DATA);
    await recordAudit(db, "system", {
      action: "api_key.revoke",
      resourceType: "api_key",
      resourceId: key.id,
      metadata: { name: key.name, prefix: key.prefix },
    });
    out(`revoked key ${key.id} (${key.name})`);
    return EXIT.OK;
  } finally {
    await ctx.close();
  }
}
