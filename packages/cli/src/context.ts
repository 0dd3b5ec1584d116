import type { Output, Styles } from './output.js';
import type { SecretRedactor } from './redaction.js';

/** What every command is given: its streams, the environment and the clock. */
export interface CommandContext {
  readonly stdout: Output;
  readonly stderr: Output;
  /** Styles for stdout (identity functions when stdout gets no colour). */
  readonly styles: Styles;
  readonly stdin: AsyncIterable<Buffer | string>;
  readonly env: NodeJS.ProcessEnv;
  /** The secrets every output hides; input read late (stdin) registers what it holds. */
  readonly secrets: SecretRedactor;
  now(): number;
}

/** Prints one JSON document on stdout. */
export function printJson(context: CommandContext, value: unknown): void {
  context.stdout.line(JSON.stringify(value, null, 2));
}
