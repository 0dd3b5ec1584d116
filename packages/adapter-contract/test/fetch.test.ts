/* The contract run against core's Fetch-API route (Next.js, Hono, Bun...), served through a small
 * Node server that turns node:http requests into Fetch Requests and writes the Fetch Response back. */
import { createServer } from 'node:http';
import { createFetchTokenRoute } from '@ably-chat-auth/core/fetch';
import { describeAdapterContract, listenOnLoopback, type ContractUser } from '@ably-chat-auth/adapter-contract';

describeAdapterContract('Fetch-API route', async ({ options, resolveUserFromHeaders }) => {
  const handler = createFetchTokenRoute<ContractUser>({ ...options, resolveUser: (request) => resolveUserFromHeaders(request.headers) });
  const server = createServer(
    (req, res) =>
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        if (url.pathname !== '/api/ably-token') {
          res.writeHead(404).end();
          return;
        }
        // As Fetch-style servers do: the whole body becomes the Request's (the route never reads it).
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
        const request = new Request(url, {
          method: req.method,
          headers: Object.entries(req.headers).flatMap(([name, value]) =>
            Array.isArray(value) ? value.map((v) => [name, v] as [string, string]) : value === undefined ? [] : [[name, value] as [string, string]],
          ),
          body: hasBody ? Buffer.concat(chunks) : undefined,
        });
        void handler(request).then(async (response) => {
          response.headers.forEach((value, name) => res.setHeader(name, value));
          res.statusCode = response.status;
          res.end(Buffer.from(await response.arrayBuffer()));
        });
      })(),
  );
  const { baseUrl, close } = await listenOnLoopback(server);
  return { baseUrl, tokenPath: '/api/ably-token', close };
});
