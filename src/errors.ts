/**
 * The error family every command throws. Each carries the exit code the
 * process ends with, an optional hint (what to do next) and the cause.
 *
 * Exit codes: 0 ok; 1 a check failed / incompatible / data not delivered;
 * 2 usage, config or connection error.
 */
export const ExitCode = {
  Ok: 0,
  CheckFailed: 1,
  Usage: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface StreamctlErrorOptions {
  /** What the user can do about it; printed on its own line. Default: none. */
  hint?: string;
  /** The underlying error, shown only with --verbose. Default: none. */
  cause?: unknown;
}

export class StreamctlError extends Error {
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;

  constructor(message: string, exitCode: ExitCode, options: StreamctlErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = options.hint;
  }
}

/** Bad flags or arguments. Exit 2. */
export class UsageError extends StreamctlError {
  constructor(message: string, options?: StreamctlErrorOptions) {
    super(message, ExitCode.Usage, options);
  }
}

/** Invalid or missing configuration, or a missing prerequisite (java, postgres…). Exit 2. */
export class ConfigError extends StreamctlError {
  constructor(message: string, options?: StreamctlErrorOptions) {
    super(message, ExitCode.Usage, options);
  }
}

/** A service could not be reached, started or authenticated against. Exit 2. */
export class ConnectionError extends StreamctlError {
  constructor(message: string, options?: StreamctlErrorOptions) {
    super(message, ExitCode.Usage, options);
  }
}

/** A check failed, a schema is incompatible or data was not delivered. Exit 1. */
export class CheckFailedError extends StreamctlError {
  constructor(message: string, options?: StreamctlErrorOptions) {
    super(message, ExitCode.CheckFailed, options);
  }
}

/** Formats an unknown cause as one line, for messages like "unable to X: <cause>". */
export function describeCause(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    const msg = err.message.split('\n')[0] ?? '';
    return code && !msg.includes(code) ? `${msg} (${code})` : msg;
  }
  return String(err);
}
