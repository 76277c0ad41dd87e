/**
 * An expected failure with a one-line message meant for the user: what went wrong and how
 * to fix it. The CLI prints `message` alone (no stack) and exits with `exitCode`.
 */
export class FaultlineError extends Error {
  constructor(
    message: string,
    readonly exitCode = 3,
  ) {
    super(message);
    this.name = 'FaultlineError';
  }
}

/** Bad input from the user (unknown workload, bad option, malformed file). */
export class UsageError extends FaultlineError {
  constructor(message: string) {
    super(message, 4);
    this.name = 'UsageError';
  }
}
