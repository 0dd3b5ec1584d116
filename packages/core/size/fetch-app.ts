// The smallest real app on the Fetch route, as a Worker or an edge function writes it: bundled
// for the browser platform by scripts/bundle-size-fixtures.mjs and measured by size-limit.
import { createFetchTokenRoute } from '@ably-chat-auth/core/fetch';

interface Env {
  ABLY_API_KEY: string;
}

let handler: ((request: Request) => Promise<Response>) | undefined;

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    handler ??= createFetchTokenRoute({
      apiKey: env.ABLY_API_KEY,
      resolveUser: (req: Request) => req.headers.get('x-user'),
      policy: (user: string) => (user === 'banned' ? null : { lobby: 'all' }),
    });
    return handler(request);
  },
};
