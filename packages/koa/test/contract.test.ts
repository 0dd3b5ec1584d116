import { createServer } from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import Koa2 from 'koa2';
import { describeAdapterContract, listenOnLoopback, type ContractSetup, type ContractUser, type StartedAdapter } from '@ably-chat-auth/adapter-contract';
import { createTokenHandler, createTokenMiddleware } from '@ably-chat-auth/koa';

const TOKEN_PATH = '/api/ably-token';

async function serve(app: Koa): Promise<StartedAdapter> {
  const callback = app.callback();
  const { baseUrl, close } = await listenOnLoopback(createServer((req, res) => void callback(req, res)));
  return { baseUrl, tokenPath: TOKEN_PATH, close };
}

// Body-parser behaviour is covered in middleware.test.ts; the contract runs without one.
function middlewareApp(KoaApp: typeof Koa, { options, resolveUserFromHeaders }: ContractSetup): Koa {
  const app = new KoaApp();
  app.use(createTokenMiddleware<ContractUser>({ ...options, resolveUser: (ctx) => resolveUserFromHeaders(ctx.headers) }));
  return app;
}

describeAdapterContract('Koa 3 createTokenMiddleware', async (setup) => serve(middlewareApp(Koa, setup)));

describeAdapterContract('Koa 2 createTokenMiddleware', async (setup) => serve(middlewareApp(Koa2, setup)));

describeAdapterContract('Koa 3 @koa/router router.all + createTokenHandler', async ({ options, resolveUserFromHeaders }) => {
  const app = new Koa();
  const router = new Router();
  router.all(TOKEN_PATH, createTokenHandler<ContractUser>({ ...options, resolveUser: (ctx) => resolveUserFromHeaders(ctx.headers) }));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return serve(app);
});
