import { createRoute } from './route.mjs';

const handler = createRoute(Deno.env.get('ABLY_API_KEY'));
Deno.serve({ hostname: '127.0.0.1', port: Number(Deno.env.get('PORT')), onListen: ({ port }) => console.log(`listening on ${port}`) }, handler);
