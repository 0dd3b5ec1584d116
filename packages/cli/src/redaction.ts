/** What replaces a redacted run of characters. */
export const REDACTED = '[redacted]';

/**
 * No output may hold this many consecutive characters of a secret. Shorter runs are common in
 * ordinary text; Ably secrets are about 43 characters, so hiding every 8-character run of one
 * leaves nothing of it to piece together from partial echoes (a value cut by a parser, a prefix
 * quoted by an error message).
 */
export const SECRET_RUN_LENGTH = 8;

/**
 * Hides every run of {@link SECRET_RUN_LENGTH} or more characters that occurs in a registered
 * secret. Hand-written: redaction libraries match whole values or patterns, not fragments.
 *
 * @example
 * const redactor = new SecretRedactor();
 * redactor.add('s3cr3t-abcdefghij');
 * redactor.redact('ttl "s3cr3t-abcd" is not a duration'); // 'ttl "[redacted]" is not a duration'
 */
export class SecretRedactor {
  // Every window of SECRET_RUN_LENGTH characters of every secret: any longer run is made of them.
  readonly #windows = new Set<string>();

  /** Registers a secret; values shorter than {@link SECRET_RUN_LENGTH} cannot leak a run and are ignored. */
  add(secret: string): void {
    for (let i = 0; i + SECRET_RUN_LENGTH <= secret.length; i++) this.#windows.add(secret.slice(i, i + SECRET_RUN_LENGTH));
  }

  /** The text with each stretch made of secret runs replaced by {@link REDACTED}. */
  redact(text: string): string {
    if (this.#windows.size === 0 || text.length < SECRET_RUN_LENGTH) return text;
    // hidden[i]: the character at i belongs to a run of a secret. Each window is looked for with
    // indexOf (native) rather than by slicing the text at every position: a secret has a few dozen
    // windows, and a table of a thousand rooms is 100 KiB of text.
    let hidden: Uint8Array | undefined;
    for (const window of this.#windows) {
      for (let at = text.indexOf(window); at >= 0; at = text.indexOf(window, at + 1)) {
        (hidden ??= new Uint8Array(text.length)).fill(1, at, at + SECRET_RUN_LENGTH);
      }
    }
    if (!hidden) return text;
    let out = '';
    for (let i = 0; i < text.length; i++) {
      if (!hidden[i]) out += text[i];
      else if (i === 0 || !hidden[i - 1]) out += REDACTED;
    }
    return out;
  }
}
