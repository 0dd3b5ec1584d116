/* Express 5, one route per process (see shared.ts): the adapter mounted as its README shows
 * (app.use(path, middleware)), or a hand-written route (app.get). */
import type { Server } from 'node:http';
import type { Request, Response } from 'express';
import { createTokenMiddleware } from '@ably-chat-auth/express';
import { requireFrom } from './deps';
import { API_KEY, ROUTES, TOKEN_HEADERS, chatPolicy, routeToServe, runBenchServer, signerOf, userFromHeader, type BenchUser } from './shared';

const express = requireFrom('express')('express') as typeof import('express');

function referenceRoute(sign: (userId: string) => string) {
  return (req: Request, res: Response): void => {
    const user = userFromHeader(req.headers);
    if (!user) {
      res.status(401).json({ error: { message: 'Not signed in', code: 40100, statusCode: 401 } });
      return;
    }
    res.set(TOKEN_HEADERS).send(sign(user.id));
  };
}

const route = routeToServe();
runBenchServer('express', route, async () => {
  const app = express();
  // Tokens are no-store: an ETag is useless, and res.send would hash every token for one, a cost
  // the adapter (which writes the response itself) does not pay.
  app.set('etag', false);
  app.set('x-powered-by', false);
  if (route === 'adapter') {
    app.use(
      ROUTES.adapter,
      createTokenMiddleware<BenchUser>({ apiKey: API_KEY, resolveUser: (req) => userFromHeader(req.headers), policy: chatPolicy, logger: false }),
    );
  } else {
    app.get(ROUTES[route], referenceRoute(signerOf(route)));
  }
  return new Promise<Server>((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
});
