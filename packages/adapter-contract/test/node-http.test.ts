/* The contract run against the smallest possible adapter: core + node:http. It proves the contract
 * passes on a correct adapter; the adapters' own test files run it against their frameworks. */
import { createServer, type IncomingMessage } from 'node:http';
import { createTokenRoute } from '@ably-chat-auth/core';
import { handleNodeRequest } from '@ably-chat-auth/core/adapter';
import { describeAdapterContract, listenOnLoopback, type ContractUser } from '@ably-chat-auth/adapter-contract';

describeAdapterContract('node:http reference adapter', async ({ options, resolveUserFromHeaders }) => {
  const route = createTokenRoute<ContractUser, IncomingMessage>({ ...options, resolveUser: (req) => resolveUserFromHeaders(req.headers) });
  const server = createServer((req, res) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/token') {
      res.statusCode = 404;
      res.end();
      return;
    }
    void handleNodeRequest(route, req, res);
  });
  const { baseUrl, close } = await listenOnLoopback(server);
  return { baseUrl, tokenPath: '/token', close };
});
