import { createRoute } from './route.mjs';

const server = Bun.serve({ hostname: '127.0.0.1', port: Number(process.env.PORT), fetch: createRoute(process.env.ABLY_API_KEY) });
console.log(`listening on ${server.port}`);
