import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** Where `pnpm bootstrap` gets its infrastructure. */
export type InfraChoice = "compose" | "embedded";

/** docker compose infra when an engine answers and the compose file is there; else `pnpm dev`'s own. */
export function chooseInfra(input: { dockerAnswers: boolean; composeFile: boolean }): InfraChoice {
  return input.dockerAnswers && input.composeFile ? "compose" : "embedded";
}

/** A fresh BETTER_AUTH_SECRET: 32 random bytes, base64 (44 characters), like `pnpm gen:secret`. */
export function generateSecret(): string {
  return randomBytes(32).toString("base64");
}

/** Sets `KEY=value` on the key's line (`KEY=…`, else its placeholder `# KEY=`), or appends it. */
export function setEnvValue(content: string, key: string, value: string): string {
  const line = `${key}=${value}`;
  // Exactly "# KEY=": the header's indented examples ("#     KEY=…") are left alone.
  for (const pattern of [new RegExp(`^${key}=.*$`, "m"), new RegExp(`^# ${key}=.*$`, "m")]) {
    if (pattern.test(content)) return content.replace(pattern, () => line);
  }
  return `${content.replace(/\n*$/, "\n")}${line}\n`;
}

/** Comments `KEY=…` out, with a note above it. */
export function commentOut(content: string, key: string, note: string): string {
  return content.replace(new RegExp(`^${key}=(.*)$`, "m"), `# ${note}\n# ${key}=$1`);
}

/**
 * `.env` from `.env.example`: a fresh secret, plus the connection settings of the chosen infra.
 * For `embedded`, DATABASE_URL (the compose Postgres) is commented out so `pnpm dev` starts its own.
 */
export function renderEnv(example: string, input: { secret: string; infra: InfraChoice }): string {
  let content = setEnvValue(example, "BETTER_AUTH_SECRET", input.secret);
  content = content.replace(
    /^# Hogsend environment, generated.*\n# Do not edit by hand.*\n/m,
    "# Hogsend environment, written by `pnpm bootstrap` from .env.example (which lists every variable).\n",
  );
  if (input.infra === "compose") {
    content = setEnvValue(content, "REDIS_URL", "redis://localhost:6380");
    content = setEnvValue(content, "HATCHET_CLIENT_TLS_STRATEGY", "none");
  } else {
    content = commentOut(
      content,
      "DATABASE_URL",
      "Unset: `pnpm dev` starts Postgres itself. Uncomment for the docker compose infra (docker-compose.yml).",
    );
  }
  return content;
}

/** Writes `<dir>/.env` from `<dir>/.env.example` (0600), never over an existing one. */
export async function writeEnvFile(
  dir: string,
  input: { infra: InfraChoice; secret?: string },
): Promise<{ written: boolean; path: string }> {
  const path = join(dir, ".env");
  if (existsSync(path)) return { written: false, path };
  const example = await readFile(join(dir, ".env.example"), "utf8");
  const content = renderEnv(example, { infra: input.infra, secret: input.secret ?? generateSecret() });
  try {
    // "wx": a .env that appeared meanwhile still wins.
    await writeFile(path, content, { mode: 0o600, flag: "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return { written: false, path };
    throw err;
  }
  return { written: true, path };
}
