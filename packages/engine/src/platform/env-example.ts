import type { z } from "zod";
import { envSections } from "../env.js";

type Tag = "[required]" | "[optional]" | `[default: ${string}]`;

interface ZodInternals {
  _zod: { def: { type: string; defaultValue?: unknown; innerType?: z.ZodType; in?: z.ZodType } };
  description?: string;
}

/** Reads required / optional / default off a schema, looking through wrappers and pipes. */
function describe(schema: z.ZodType): { tag: Tag; description: string } {
  let node = schema as unknown as ZodInternals;
  let description = node.description ?? "";
  while (true) {
    const def = node._zod.def;
    if (def.type === "default") {
      const value = typeof def.defaultValue === "function" ? def.defaultValue() : def.defaultValue;
      return { tag: `[default: ${String(value)}]`, description };
    }
    if (def.type === "optional") return { tag: "[optional]", description };
    const inner = def.innerType ?? def.in;
    if (!inner) return { tag: "[required]", description };
    node = inner as unknown as ZodInternals;
    description ||= node.description ?? "";
  }
}

const HEADER = `# Hogsend environment, generated from packages/engine/src/env.ts by \`pnpm env:example\`.
# Do not edit by hand: a test fails when this file and the schema disagree.
#
# Tags: [required] must be set; [default: x] has a default; [optional] may stay unset.
# Booleans are the strings "true" or "false".
#
# Two port regimes, never mixed:
#   host-process dev (pnpm dev, pnpm infra up, docker-compose.yml infra): the host-mapped ports
#     DATABASE_URL=postgres://growthhog:growthhog@localhost:5434/growthhog
#     REDIS_URL=redis://localhost:6380
#     HATCHET_CLIENT_HOST_PORT=localhost:7077
#   inside docker-compose.prod.yml: service names and internal ports
#     DATABASE_URL=postgres://growthhog:growthhog@postgres:5432/growthhog
#     REDIS_URL=redis://redis:6379
#     HATCHET_CLIENT_HOST_PORT=hatchet-lite:7077
`;

/** Example values for the required variables, in the host-process regime. */
const EXAMPLES: Record<string, string> = {
  DATABASE_URL: "postgres://growthhog:growthhog@localhost:5434/growthhog",
  BETTER_AUTH_SECRET: "",
  HATCHET_CLIENT_TOKEN: "",
};

/** The `.env.example` text for the current schema. */
export function renderEnvExample(): string {
  const blocks = Object.entries(envSections).map(([section, shape]) => {
    const lines = [`# ── ${section} ──`];
    for (const [key, schema] of Object.entries(shape as Record<string, z.ZodType>)) {
      const { tag, description } = describe(schema);
      lines.push(`# ${tag} ${description}`.trimEnd());
      lines.push(tag === "[required]" ? `${key}=${EXAMPLES[key] ?? ""}` : `# ${key}=`);
    }
    return lines.join("\n");
  });
  return `${HEADER}\n${blocks.join("\n\n")}\n`;
}
