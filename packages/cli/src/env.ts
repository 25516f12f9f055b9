import { type EnvResult, parseEnv } from "@hogsend/core";
import { z } from "zod";

/** What the CLI needs: it works straight against the database, without the api running. */
const cliEnvSchema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL"),
  BETTER_AUTH_SECRET: z.string().min(1),
  /** Set where the api keeps sessions in Redis, so `admin reset` can end them there too. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
    .optional(),
});

export type CliEnv = z.output<typeof cliEnvSchema>;

export function readCliEnv(source: Record<string, string | undefined> = process.env): EnvResult<CliEnv> {
  return parseEnv(cliEnvSchema, source);
}

/** The whole environment, for commands that check a run mode's contract (`doctor`). */
export function processEnv(): Record<string, string | undefined> {
  return process.env;
}
