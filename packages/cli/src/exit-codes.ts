import { AppError, ERROR_STATUS, suggest } from "@hogsend/core";

/** sysexits-style codes, so scripts can tell a typo from a taken email from a dead database. */
export const EXIT = {
  OK: 0,
  /** Something unexpected; the message says what. */
  FAILURE: 1,
  /** Unknown command or bad flags (EX_USAGE). */
  USAGE: 64,
  /** Input refused: weak password, bad email, duplicate, not found (EX_DATAERR). */
  DATA: 65,
  /** An input file that does not exist (EX_NOINPUT). */
  NO_INPUT: 66,
  /** The database cannot be reached (EX_UNAVAILABLE). */
  UNAVAILABLE: 69,
  /** Required environment missing or invalid (EX_CONFIG). */
  CONFIG: 78,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/**
 * An engine refusal as the CLI's exit: unknown ids and refused input are 65, an unreachable
 * database or Hatchet 69; anything else is rethrown as it is.
 */
export function asCliError(err: unknown): unknown {
  if (!(err instanceof AppError)) return err;
  const status = ERROR_STATUS[err.code];
  if (status === 503) return new CliError(err.message, EXIT.UNAVAILABLE);
  if (status >= 400 && status < 500) return new CliError(err.message, EXIT.DATA);
  return err;
}

/** A usage error for a subcommand that does not exist, naming the closest one when there is one. */
export function unknownCommand(
  group: string,
  command: string,
  known: readonly string[],
  help: string,
): CliError {
  const best = suggest(command, known);
  return new CliError(
    `unknown command: ${group} ${command}${best ? ` (did you mean ${group} ${best}?)` : ""}\n\n${help}`,
    EXIT.USAGE,
  );
}
