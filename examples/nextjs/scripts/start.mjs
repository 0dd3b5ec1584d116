// The production server: Next.js's own request handler (`next({ dev: false })`, what `next start`
// runs) behind a Node HTTP server that first appends the TCP peer's address to X-Forwarded-For, on
// PORT (default 3000; 0 picks a free port, which `next start` cannot) and HOST (default 127.0.0.1).
//
// Why not `next start`: a route handler has no socket, and `next start` sets X-Forwarded-For to
// the peer only when the request has none (`??=` in next/dist/server/base-server.js). A client
// that sends its own header would then choose the address the rate limits count. Here the peer
// is always the rightmost entry, and TRUST_PROXY_HOPS counts proxies from there
// (lib/client-address.ts); instrumentation.ts refuses to run the app under plain `next start`.
//
//   PORT=3000 node scripts/start.mjs
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const app = resolve(import.meta.dirname, '..');
const host = process.env.HOST || '127.0.0.1';
const raw = (process.env.PORT ?? '').trim() || '3000';
if (!/^\d+$/.test(raw) || Number(raw) > 65535) {
  console.error(`Configuration error: PORT must be a whole number from 0 to 65535; got ${JSON.stringify(raw.slice(0, 20))}.`);
  process.exit(1);
}
process.env.NODE_ENV = 'production';
process.env.NEXT_TELEMETRY_DISABLED = '1';
// Read by lib/start-script.ts in the route handlers and instrumentation.ts, which run in this process.
globalThis[Symbol.for('ably-chat-auth-examples.nextjs.peer-appended')] = true;
// instrumentation.ts calls this once its checks passed (config, Redis); it exits the process when they fail.
const registered = new Promise((resolveRegistered) => {
  globalThis[Symbol.for('ably-chat-auth-examples.nextjs.registered')] = resolveRegistered;
});

/** Appends the peer's address to the request's X-Forwarded-For, as a reverse proxy does. */
function appendPeer(req) {
  const peer = req.socket.remoteAddress ?? 'unknown';
  const forwarded = req.headers['x-forwarded-for'];
  req.headers['x-forwarded-for'] = forwarded ? `${forwarded}, ${peer}` : peer;
}

// next's main sets module.exports to the factory itself.
const next = createRequire(import.meta.url)('next');
let handle;
const server = createServer((req, res) => {
  if (!handle) {
    res.writeHead(503, { 'Retry-After': '1' }).end();
    return;
  }
  appendPeer(req);
  handle(req, res).catch((error) => {
    console.error('Next.js example: request failed', error);
    if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
    res.end();
  });
});
// Nothing is printed (so nothing is asked) before prepare() is done; listening first gives PORT=0 its port.
await new Promise((resolveListen, reject) => {
  server.once('error', reject);
  server.listen(Number(raw), host, resolveListen);
});
const { port } = server.address();
const nextApp = next({ dev: false, dir: app, hostname: host, port });
// Runs instrumentation.ts's register(): a bad setting or an unreachable REDIS_URL exits here.
await nextApp.prepare();
// prepare() starts instrumentation.ts's register() without waiting for it: wait here, so nothing
// says "listening" before the config and Redis are known to be good.
const timeout = setTimeout(() => {
  console.error('Next.js example: instrumentation.ts did not finish within 30 s.');
  process.exit(1);
}, 30_000);
await registered;
clearTimeout(timeout);
handle = nextApp.getRequestHandler();
console.log(`Next.js example listening on http://${host}:${port}\n - Local: http://${host}:${port}`);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
    void nextApp.close().finally(() => process.exit(0));
  });
}
