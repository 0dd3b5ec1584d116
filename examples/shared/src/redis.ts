import { ablyCodeForStatus, ablyErrorResponse, type TokenRouteResponse } from '@ably-chat-auth/core/adapter';
import { Redis } from 'ioredis';
import { redactedRedisUrl, type DemoConfig } from './config.js';
import { DEMO_ROUTES } from './routes.js';

/** How {@link connectRedis} connects, and where it reports outages. */
export interface RedisConnectOptions {
  /** How long the first connection may take (TCP connect plus Redis ready), in ms; default 2000. */
  connectTimeoutMs?: number;
  /** How long a command may wait for its reply before it fails, in ms; default 1000. */
  commandTimeoutMs?: number;
  /** Where outages and recoveries are reported (one line each, never per command); default `console`, `false` for silence. */
  log?: RedisLog | false;
}

/** The two calls {@link connectRedis} makes to report the connection's state. */
export interface RedisLog {
  error(message: string): void;
  info(message: string): void;
}

/** The first connection to `REDIS_URL` failed; the message names the variable and the cause, never a password. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
  /** The environment variable to fix. */
  readonly variable = 'REDIS_URL';
}

/** Seconds a client is asked to wait (`Retry-After`) while the store is down; ably-js retries on its own schedule. */
export const STORE_RETRY_AFTER_SECONDS = 5;

/**
 * Connects to Redis for sessions and rate-limit counters and resolves once it is ready, or rejects
 * within `connectTimeoutMs` with a {@link RedisUnavailableError}. The client is set up to fail fast
 * while Redis is down rather than queue: no offline queue (a command sent while disconnected fails
 * at once), a command timeout (a reply that never comes fails after `commandTimeoutMs`), and it
 * reconnects on its own (backing off to 1 s), so requests succeed again as soon as Redis is back.
 *
 * @example
 * const redis = await connectRedis(config.redisUrl!);
 * app.use(session({ store: new RedisStore({ client: redis, prefix: 'myapp:sess:' }), ... }));
 */
export async function connectRedis(url: string, options: RedisConnectOptions = {}): Promise<Redis> {
  const connectTimeout = options.connectTimeoutMs ?? 2000;
  const log = options.log === false ? undefined : (options.log ?? { error: (m: string) => console.error(m), info: (m: string) => console.log(m) });
  const display = redactedRedisUrl(url);
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout,
    commandTimeout: options.commandTimeoutMs ?? 1000,
    enableOfflineQueue: false,
    // A command in flight when the connection drops is not resent after reconnecting: it fails,
    // and the request that sent it answers 503.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) => Math.min(100 * attempt, 1000),
  });
  let lastError: Error | undefined;
  let ready = false;
  let down = false;
  // An 'error' event is emitted at every failed reconnect: report the first of an outage only.
  client.on('error', (error: Error) => {
    lastError = error;
    if (!ready || down) return;
    down = true;
    log?.error(`Redis at ${display} is unavailable (${describeError(error)}); sessions and rate limits answer 503 until it is back.`);
  });
  client.on('close', () => {
    if (!ready || down) return;
    down = true;
    log?.error(`Redis at ${display} closed the connection; sessions and rate limits answer 503 until it is back.`);
  });
  client.on('ready', () => {
    if (down) log?.info(`Redis at ${display} is back.`);
    down = false;
  });

  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${connectTimeout} ms`)), connectTimeout + 250);
      }),
    ]);
  } catch (error) {
    client.disconnect();
    const cause = lastError ?? (error as Error);
    throw new RedisUnavailableError(
      `Cannot reach Redis at REDIS_URL=${display} (${describeError(cause)}). Start Redis there, fix REDIS_URL, or unset it to keep sessions and rate limits in memory.`,
      { cause },
    );
  } finally {
    clearTimeout(timer);
  }
  ready = true;
  return client;
}

/**
 * {@link connectRedis} for an entry point: undefined when `REDIS_URL` is unset (the in-memory
 * stores are used); when Redis cannot be reached it prints why and exits with status 1, so an
 * instance never starts without its shared store.
 *
 * @example const redis = await connectRedisOrExit(config); const app = createApp(config, { redis });
 */
export async function connectRedisOrExit(
  config: DemoConfig,
  io: { error: (message: string) => void; exit: (code: number) => never } = { error: (m) => console.error(m), exit: (c) => process.exit(c) },
): Promise<Redis | undefined> {
  if (config.redisUrl === undefined) return undefined;
  try {
    return await connectRedis(config.redisUrl);
  } catch (error) {
    if (error instanceof RedisUnavailableError) {
      io.error(`Configuration error: ${error.message}`);
      return io.exit(1);
    }
    throw error;
  }
}

/** Messages of the errors ioredis raises when it cannot serve a command (see connectRedis's options). */
const UNAVAILABLE_MESSAGES = [/^Stream isn't writeable/, /^Command timed out/, /^Connection is closed/, /^Reached the max retries per request limit/];
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** Replies Redis itself gives while it cannot serve: still loading its data, a replica cut off from its primary, out of memory. */
const UNAVAILABLE_REPLIES = /^(LOADING|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|OOM|READONLY|BUSY)\b/;

/**
 * True when `error` (or one of its causes) says the Redis store cannot be reached or cannot answer
 * right now: the session or rate-limit store is down, as opposed to a bug.
 *
 * @example if (isStoreUnavailableError(error)) res.status(503).set('Retry-After', '5').json({ error: 'Try again shortly.' });
 */
export function isStoreUnavailableError(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    if (current.name === 'MaxRetriesPerRequestError') return true;
    if (UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(current.message))) return true;
    if (current.name === 'ReplyError' && UNAVAILABLE_REPLIES.test(current.message)) return true;
  }
  return false;
}

const TOKEN_ROUTE = normalisedPath(DEMO_ROUTES.token);

/**
 * The 503 for a request that failed because the session or rate-limit store is unavailable, or
 * undefined for any other error. On the token route (`path` is the request's path, matched as the
 * frameworks route it: any case, one trailing slash) it is Ably's error shape,
 * `ablyErrorResponse(503, ablyCodeForStatus(503), ...)`, which the Ably client retries; elsewhere
 * a JSON `{ "error" }` for the page's own fetch calls. Both carry `Retry-After` and `no-store`,
 * and never the cause.
 *
 * @example
 * const unavailable = storeUnavailableResponse(error, req.path);
 * if (unavailable) return writeTokenRouteResponse(res, unavailable);
 */
export function storeUnavailableResponse(error: unknown, path: string): TokenRouteResponse | undefined {
  if (!isStoreUnavailableError(error)) return undefined;
  const retryAfter = { 'Retry-After': String(STORE_RETRY_AFTER_SECONDS) };
  if (normalisedPath(path) === TOKEN_ROUTE) {
    return ablyErrorResponse(
      503,
      ablyCodeForStatus(503),
      'The session store is unavailable, so no token can be issued right now; try again shortly.',
      retryAfter,
    );
  }
  return {
    status: 503,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...retryAfter },
    body: JSON.stringify({ error: `The session store is unavailable; try again in ${STORE_RETRY_AFTER_SECONDS} s.` }),
  };
}

/**
 * Key prefixes in Redis for one app, so several apps (or the examples side by side) can share a
 * Redis without mixing their sessions or their counters.
 *
 * @example new RedisStore({ client: redis, prefix: demoRedisKeys('express').sessions })
 */
export function demoRedisKeys(app: string): { sessions: string; loginLimit: string; tokenLimit: string } {
  return { sessions: `${app}:sess:`, loginLimit: `${app}:rl:login:`, tokenLimit: `${app}:rl:token:` };
}

function normalisedPath(path: string): string {
  const lower = path.toLowerCase();
  return lower.length > 1 && lower.endsWith('/') ? lower.slice(0, -1) : lower;
}

function describeError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}
