/*
 * What scripts/start.mjs, the server that runs this app, shares with the app in its process:
 * the route handlers and instrumentation.ts run there, each bundle with its own modules, so the
 * two meet on `globalThis`.
 */

/**
 * Set on `globalThis` by `scripts/start.mjs`, the server that runs this app: it appends the TCP
 * peer's address to `X-Forwarded-For` before Next.js sees the request. Plain `next start` does
 * not: it sets the header to the peer only when the request has none (`??=` in Next's
 * base-server), so a client that sends its own header would choose the address the limits count.
 */
export const PEER_APPENDED = Symbol.for('ably-chat-auth-examples.nextjs.peer-appended');

/** Set on `globalThis` by `scripts/start.mjs`: called when instrumentation.ts's `register()` is done, so it prints "listening" only then. */
export const REGISTERED = Symbol.for('ably-chat-auth-examples.nextjs.registered');

/**
 * True when this process is the start script's server, which appends the peer address; false under
 * plain `next start` (or `next dev`), where the rightmost `X-Forwarded-For` entry may be the client's own.
 * @example if (!peerAddressAppended()) throw new Error('Start the app with scripts/start.mjs.');
 */
export function peerAddressAppended(): boolean {
  return (globalThis as typeof globalThis & { [PEER_APPENDED]?: boolean })[PEER_APPENDED] === true;
}

/**
 * Tells the start script that `register()` is done (the config is good and Redis answered), so it
 * can say it is listening; nothing under plain `next start`.
 * @example await demoRateLimits(); announceRegistered();
 */
export function announceRegistered(): void {
  (globalThis as typeof globalThis & { [REGISTERED]?: () => void })[REGISTERED]?.();
}
