/**
 * The process exit codes, documented in the README and in `--help`:
 * 0 the command did its job (token decoded, minted, allowed, key valid);
 * 1 a negative answer (signature does not verify, feature denied);
 * 2 a usage or input error (bad option, malformed token or key, a grant core refuses).
 */
export const EXIT_OK = 0;
export const EXIT_NEGATIVE = 1;
export const EXIT_USAGE = 2;

export type ExitCode = typeof EXIT_OK | typeof EXIT_NEGATIVE | typeof EXIT_USAGE;

/** A mistake in how the command was called or in what it was given; reported on stderr with exit code 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}
