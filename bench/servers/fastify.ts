/* Fastify 5, one route per process (see shared.ts): the adapter's plugin
 * (app.register(ablyChatAuth, { path })), or a hand-written Fastify route answering the same kind of path. */
import type { FastifyInstance } from 'fastify';
import { ablyChatAuth } from '@ably-chat-auth/fastify';
import { requireFrom } from './deps';
import { API_KEY, ROUTES, TOKEN_HEADERS, chatPolicy, routeToServe, runBenchServer, signerOf, userFromHeader, type BenchUser } from './shared';

const Fastify = requireFrom('fastify')('fastify') as typeof import('fastify').default;

function referenceRoute(app: FastifyInstance, path: string, sign: (userId: string) => string): void {
  app.route({
    method: ['GET', 'POST'],
    url: path,
    handler: (request, reply) => {
      const user = userFromHeader(request.headers);
      if (!user) return reply.code(401).send({ error: { message: 'Not signed in', code: 40100, statusCode: 401 } });
      return reply.headers(TOKEN_HEADERS).send(sign(user.id));
    },
  });
}

const route = routeToServe();
runBenchServer('fastify', route, async () => {
  const app = Fastify({ logger: false });
  if (route === 'adapter') {
    await app.register(ablyChatAuth<BenchUser>, {
      path: ROUTES.adapter,
      apiKey: API_KEY,
      resolveUser: (request) => userFromHeader(request.headers),
      policy: chatPolicy,
      logger: false,
    });
  } else {
    referenceRoute(app, ROUTES[route], signerOf(route));
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app.server;
});
