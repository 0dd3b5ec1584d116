import Fastify, { type FastifyInstance } from 'fastify';
import Fastify4 from 'fastify4';

/** Both supported Fastify majors, for `describe.each`: name, the factory, the installed version. */
export const FASTIFY_VERSIONS: ReadonlyArray<[string, typeof Fastify, string]> = [
  ['Fastify 5', Fastify, Fastify().version],
  // Fastify 4 is installed under the alias `fastify4`; the plugin API the tests use is the same.
  ['Fastify 4', Fastify4 as unknown as typeof Fastify, Fastify4().version],
];

/** Listens a Fastify app on an ephemeral loopback port; `close()` also drops keep-alive sockets. */
export async function listen(app: FastifyInstance): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    baseUrl,
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
    },
  };
}
