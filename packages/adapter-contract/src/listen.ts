import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Listens on an ephemeral loopback port and returns the base URL and a `close` that also drops
 * keep-alive sockets (the real `ably` client keeps its connections open), so Jest exits cleanly.
 *
 * @example
 * const { baseUrl, close } = await listenOnLoopback(http.createServer(app));
 */
export async function listenOnLoopback(server: Server): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
