import type { Server } from 'node:http';

/**
 * Stops the server on SIGINT or SIGTERM: runs `close` once, then exits 0 (or logs why and exits 1
 * when `close` fails). Listens with `on`, not `once`, so a second signal (a wrapper relaying the one
 * it got, or a second Ctrl+C) is ignored instead of killing the process mid-close.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { closeHttpServer, closeOnSignals } from '@ably-chat-auth-examples/shared';
 *
 * const server = createServer().listen(3000);
 * closeOnSignals(() => closeHttpServer(server), 'My example');
 * ```
 */
export function closeOnSignals(close: () => Promise<void> | void, name: string): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      Promise.resolve()
        .then(close)
        .then(
          () => process.exit(0),
          (error: unknown) => {
            console.error(`The ${name} failed to stop cleanly:`, error);
            process.exit(1);
          },
        );
    });
  }
}

/**
 * Closes a node:http server now: stops accepting connections and ends the open ones (keep-alive
 * sockets, streams) instead of waiting for clients to hang up.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { closeHttpServer } from '@ably-chat-auth-examples/shared';
 *
 * await closeHttpServer(createServer().listen(0));
 * ```
 */
export function closeHttpServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    // Resolves even when the server was not listening: there is nothing left to stop either way.
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * What to print when the server could not listen: a hint to change PORT when the port is taken,
 * otherwise the error's message.
 *
 * @example
 * ```ts
 * import { listenFailureMessage } from '@ably-chat-auth-examples/shared';
 *
 * declare const error: unknown;
 * console.error(listenFailureMessage(error, 3000));
 * ```
 */
export function listenFailureMessage(error: unknown, port: number): string {
  if ((error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE') return `Port ${port} is in use: set PORT to another port.`;
  return `Could not start the server: ${error instanceof Error ? error.message : String(error)}`;
}
