/** Where ably-chat-auth writes what the operator should know. Compatible with `console`, pino and winston. */
export interface Logger {
  error(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  info?(message: string, meta?: Record<string, unknown>): void;
  debug?(message: string, meta?: Record<string, unknown>): void;
}

/** The default logger: errors and warnings to `console`, prefixed. */
export const consoleLogger: Logger = {
  error: (message, meta) => console.error(`[ably-chat-auth] ${message}`, ...(meta ? [meta] : [])),
  warn: (message, meta) => console.warn(`[ably-chat-auth] ${message}`, ...(meta ? [meta] : [])),
};

/** A logger that drops everything. */
export const silentLogger: Logger = { error: () => {}, warn: () => {} };

/** The logger an option names: `false` is silent, nothing is `console` (shared by core and every adapter). */
export function resolveLogger(option: Logger | false | undefined): Logger {
  return option === false ? silentLogger : (option ?? consoleLogger);
}
