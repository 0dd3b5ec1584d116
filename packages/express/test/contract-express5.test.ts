import { createServer } from 'node:http';
import express from 'express';
import { describeAdapterContract, describeTelemetryContract, listenOnLoopback, type ContractUser } from '@ably-chat-auth/adapter-contract';
import { createTokenHandler, createTokenMiddleware } from '@ably-chat-auth/express';

describeAdapterContract('express 5, app.use(path, middleware) with express.json() and express.urlencoded()', async ({ options, resolveUserFromHeaders }) => {
  const app = express();
  app.use(express.json());
  app.use(express.urlencoded({ extended: false }));
  app.use('/api/ably-token', createTokenMiddleware<ContractUser>({ ...options, resolveUser: (req) => resolveUserFromHeaders(req.headers) }));
  const { baseUrl, close } = await listenOnLoopback(createServer(app));
  return { baseUrl, tokenPath: '/api/ably-token', close };
});

describeAdapterContract('express 5, app.all(path, auth, middleware) without body parsers', async ({ options, resolveUserFromHeaders }) => {
  const app = express();
  const passThroughAuth: express.RequestHandler = (_req, _res, next) => next();
  app.all('/auth/ably', passThroughAuth, createTokenHandler<ContractUser>({ ...options, resolveUser: (req) => resolveUserFromHeaders(req.headers) }));
  const { baseUrl, close } = await listenOnLoopback(createServer(app));
  return { baseUrl, tokenPath: '/auth/ably', close };
});

describeTelemetryContract('express 5, app.use(path, middleware)', async ({ options, resolveUserFromHeaders }) => {
  const app = express();
  app.use('/api/ably-token', createTokenMiddleware<ContractUser>({ ...options, resolveUser: (req) => resolveUserFromHeaders(req.headers) }));
  const { baseUrl, close } = await listenOnLoopback(createServer(app));
  return { baseUrl, tokenPath: '/api/ably-token', close };
});
