import { ERROR_STATUS, type ErrorCode } from "./codes.js";

export interface AppErrorOptions {
  details?: unknown;
  /** The caller may try again later and expect a different outcome. */
  retryable?: boolean;
  cause?: unknown;
}

/** The one error base: a code from the single union, a message for humans, optional details. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.details = options.details;
    this.retryable = options.retryable ?? false;
  }

  get status(): (typeof ERROR_STATUS)[ErrorCode] {
    return ERROR_STATUS[this.code];
  }
}
