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
