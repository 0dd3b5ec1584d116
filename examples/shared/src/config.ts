import { AblyApiKey, isAblyChatAuthError } from '@ably-chat-auth/core';

/**
 * A syntactically valid key that Ably does not know: the examples run without an Ably account
 * (login, token route, token panel), and Ably rejects the tokens until ABLY_API_KEY is set.
 */
export const DEV_API_KEY = 'devApp.devKey:ZGV2LXNlY3JldC1ub3QtYS1yZWFsLWFibHkta2V5';

/** The settings every example reads from its environment. */
export interface DemoConfig {
  /** `PORT`, default 3000 (0 picks a free port). */
  readonly port: number;
  /** `ABLY_API_KEY`, or {@link DEV_API_KEY}. Not enumerable, so logging the config never shows it. */
  readonly apiKey: string;
  /** The key's public part (`appId.keyId`), safe to print. */
  readonly keyName: string;
  /** True when ABLY_API_KEY was not set and the embedded development key is used. */
  readonly usingDevKey: boolean;
  /** `RATE_LIMIT_LOGIN_PER_MIN`, default 20: login attempts per client IP per minute. */
  readonly loginRateLimitPerMinute: number;
  /** `RATE_LIMIT_TOKEN_PER_MIN`, default 300: token requests per client IP per minute. */
  readonly tokenRateLimitPerMinute: number;
  /** `SESSION_SECRET`, or a random secret per process (sessions end on restart). Not enumerable. */
  readonly sessionSecret: string;
  /** True when SESSION_SECRET was not set. */
  readonly sessionSecretIsRandom: boolean;
  /**
   * `TRUST_PROXY_HOPS`, default 0: how many reverse proxies stand in front of the app. The client
   * address (what the rate limits count) is the entry that many hops from the right of
   * `X-Forwarded-For`; with 0 the header is ignored. Anything left of the entries your own proxies
   * appended is whatever the client chose to send, so trusting it (Express `trust proxy: true`,
   * Koa `proxy` without `maxIpsCount`) lets anyone dodge the limits.
   */
  readonly trustProxyHops: number;
  /**
   * `REDIS_URL` (`redis://` or `rediss://`), or undefined: sessions and rate-limit counters then
   * live in Redis, shared by every instance, instead of in this process's memory. Not enumerable
   * (it may hold a password); print {@link DemoConfig.redisDisplayUrl} instead.
   */
  readonly redisUrl: string | undefined;
  /** `REDIS_URL` with any password replaced by `***`, safe to print; undefined when unset. */
  readonly redisDisplayUrl: string | undefined;
  /**
   * `METRICS_PORT`, default unset (no metrics): the port of the Prometheus scrape endpoint
   * `http://127.0.0.1:<port>/metrics` (0 picks a free port). Loopback only, and never the public PORT.
   */
  readonly metricsPort: number | undefined;
}

/** A setting that cannot be used; `variable` names the environment variable. */
export class DemoConfigError extends Error {
  override readonly name = 'DemoConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
  }
}

/** Settings given in code (tests); anything left out comes from defaults. */
export type DemoConfigInput = Partial<
  Pick<DemoConfig, 'port' | 'loginRateLimitPerMinute' | 'tokenRateLimitPerMinute' | 'sessionSecret' | 'trustProxyHops' | 'redisUrl' | 'metricsPort'>
> & {
  apiKey?: string;
};

/** The most proxies `TRUST_PROXY_HOPS` may name; real deployments have one or two. */
export const MAX_TRUST_PROXY_HOPS = 10;

/**
 * Reads PORT, ABLY_API_KEY, RATE_LIMIT_LOGIN_PER_MIN, RATE_LIMIT_TOKEN_PER_MIN, SESSION_SECRET,
 * TRUST_PROXY_HOPS, REDIS_URL and METRICS_PORT. With REDIS_URL set, SESSION_SECRET is required.
 * @throws DemoConfigError naming the variable and the expected format; the API key's value is
 * never part of the message.
 * @example const config = loadDemoConfig(process.env);
 */
export function loadDemoConfig(env: Readonly<Record<string, string | undefined>> = process.env): DemoConfig {
  return createDemoConfig({
    port: integer(env, 'PORT', 3000, 0, 65535),
    apiKey: blankToUndefined(env.ABLY_API_KEY),
    loginRateLimitPerMinute: integer(env, 'RATE_LIMIT_LOGIN_PER_MIN', 20, 1, 1_000_000),
    tokenRateLimitPerMinute: integer(env, 'RATE_LIMIT_TOKEN_PER_MIN', 300, 1, 1_000_000),
    sessionSecret: blankToUndefined(env.SESSION_SECRET),
    trustProxyHops: trustProxyHops(blankToUndefined(env.TRUST_PROXY_HOPS)),
    redisUrl: blankToUndefined(env.REDIS_URL),
    metricsPort: blankToUndefined(env.METRICS_PORT) === undefined ? undefined : integer(env, 'METRICS_PORT', 0, 0, 65535),
  });
}

/**
 * Builds a config from values given in code, with the same defaults and checks as
 * {@link loadDemoConfig} (for tests and embedding).
 */
export function createDemoConfig(input: DemoConfigInput = {}): DemoConfig {
  const usingDevKey = input.apiKey === undefined;
  const apiKey = input.apiKey ?? DEV_API_KEY;
  let keyName: string;
  try {
    keyName = AblyApiKey.parse(apiKey, 'ABLY_API_KEY').keyName;
  } catch (error) {
    if (isAblyChatAuthError(error, 'ERR_INVALID_API_KEY')) throw new DemoConfigError('ABLY_API_KEY', error.message);
    throw error;
  }
  const redisUrl = input.redisUrl === undefined ? undefined : checkedRedisUrl(input.redisUrl);
  const sessionSecretIsRandom = input.sessionSecret === undefined;
  if (redisUrl !== undefined && sessionSecretIsRandom) {
    throw new DemoConfigError(
      'SESSION_SECRET',
      'REDIS_URL is set, so SESSION_SECRET is required: every instance that shares this Redis must sign session cookies with the same secret ' +
        "(a random secret per process would make each instance refuse the others' cookies). Set SESSION_SECRET to the same long random value " +
        'on every instance (for example the output of `openssl rand -base64 32`), or unset REDIS_URL to keep sessions in memory.',
    );
  }
  const sessionSecret = input.sessionSecret ?? randomSecret();
  const config = {
    port: input.port ?? 3000,
    keyName,
    usingDevKey,
    loginRateLimitPerMinute: input.loginRateLimitPerMinute ?? 20,
    tokenRateLimitPerMinute: input.tokenRateLimitPerMinute ?? 300,
    sessionSecretIsRandom,
    trustProxyHops: trustProxyHops(input.trustProxyHops),
    redisDisplayUrl: redisUrl === undefined ? undefined : redactedRedisUrl(redisUrl),
    metricsPort: metricsPort(input.metricsPort, input.port ?? 3000),
  } as DemoConfig;
  // Secrets are not enumerable: console.log(config) and JSON.stringify(config) leave them out.
  Object.defineProperty(config, 'apiKey', { value: apiKey, enumerable: false });
  Object.defineProperty(config, 'sessionSecret', { value: sessionSecret, enumerable: false });
  Object.defineProperty(config, 'redisUrl', { value: redisUrl, enumerable: false });
  return Object.freeze(config);
}

/** The banner printed when no ABLY_API_KEY is set. */
export function devKeyBanner(): string {
  const lines = [
    'ABLY_API_KEY is not set: tokens are signed with an embedded development key (devApp.devKey).',
    "Login, the token route and the page's token panel work, but Ably will REJECT these tokens,",
    'so the chat cannot connect until you set a real key:',
    '  ABLY_API_KEY=appId.keyId:secret   (Ably dashboard > your app > API Keys)',
  ];
  const width = Math.max(...lines.map((l) => l.length));
  const rule = '-'.repeat(width + 4);
  return [rule, ...lines.map((l) => `| ${l.padEnd(width)} |`), rule].join('\n');
}

/** What an example prints at startup about its configuration (the dev-key banner, a random session secret). */
export function startupNotices(config: DemoConfig): string[] {
  const notices: string[] = [];
  if (config.usingDevKey) notices.push(devKeyBanner());
  else notices.push(`Signing Ably tokens with key ${config.keyName}.`);
  if (config.sessionSecretIsRandom) notices.push('SESSION_SECRET is not set: using a random secret, so sessions end when the server restarts.');
  if (config.redisDisplayUrl !== undefined) {
    notices.push(`REDIS_URL=${config.redisDisplayUrl}: sessions and rate-limit counters are kept in Redis, shared by every instance.`);
  } else {
    notices.push('REDIS_URL is not set: sessions and rate-limit counters are kept in memory, so run a single instance.');
  }
  if (config.trustProxyHops > 0) {
    const hops = config.trustProxyHops === 1 ? '1 reverse proxy' : `${config.trustProxyHops} reverse proxies`;
    notices.push(`TRUST_PROXY_HOPS=${config.trustProxyHops}: behind ${hops}, the client address is read from X-Forwarded-For.`);
  }
  return notices;
}

/**
 * {@link loadDemoConfig} for an entry point: on a bad setting it prints the message and exits
 * with status 1 (never echoing the key), so a misconfigured server never starts.
 */
export function loadDemoConfigOrExit(
  env: Readonly<Record<string, string | undefined>> = process.env,
  io: { error: (message: string) => void; exit: (code: number) => never } = { error: (m) => console.error(m), exit: (c) => process.exit(c) },
): DemoConfig {
  try {
    return loadDemoConfig(env);
  } catch (error) {
    if (error instanceof DemoConfigError) {
      io.error(`Configuration error: ${error.message}`);
      return io.exit(1);
    }
    throw error;
  }
}

const REDIS_URL_FORMAT = 'a Redis URL such as redis://127.0.0.1:6379, redis://:password@host:6379/0 or rediss://user:password@host:6380';

/**
 * Checks REDIS_URL's form (the connection itself is tried at startup). The value is never echoed:
 * it may hold a password.
 */
function checkedRedisUrl(raw: string): string {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new DemoConfigError('REDIS_URL', `REDIS_URL must be ${REDIS_URL_FORMAT}; got a value that is not a URL (not shown, as it may hold a password).`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new DemoConfigError('REDIS_URL', `REDIS_URL must be ${REDIS_URL_FORMAT}; got a URL of protocol ${JSON.stringify(url.protocol.slice(0, 20))}.`);
  }
  if (url.hostname === '') throw new DemoConfigError('REDIS_URL', `REDIS_URL must be ${REDIS_URL_FORMAT}; got a URL without a host.`);
  return text;
}

/** A Redis URL with its password replaced by `***`, fit for logs (a value that is not a URL is not shown at all). */
export function redactedRedisUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return '(a value that is not a URL)';
  }
}

/**
 * 32 random bytes as base64url. WebCrypto and `btoa` rather than `node:crypto` and `Buffer`, so the
 * config also loads in a Cloudflare Worker (examples/workers), where Node's built-ins are absent.
 */
function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

function blankToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

const HOPS_MEANING = `the number of reverse proxies in front of the app (0 for none, 1 for one proxy such as nginx or a load balancer)`;

/**
 * Validates TRUST_PROXY_HOPS (a string from the environment or a number given in code). Only a
 * count is accepted: it means the same in every example (Koa's `maxIpsCount` takes nothing else),
 * and `true` would trust the entries the client wrote.
 */
function trustProxyHops(raw: string | number | undefined): number {
  if (raw === undefined) return 0;
  const text = typeof raw === 'number' ? String(raw) : raw.trim();
  const value = Number(text);
  if (/^\d+$/.test(text) && value <= MAX_TRUST_PROXY_HOPS) return value;
  const hint = /^(true|false|yes|no|on|off)$/i.test(text) ? ` It counts proxies rather than switching trust on: for one proxy, set TRUST_PROXY_HOPS=1.` : '';
  throw new DemoConfigError(
    'TRUST_PROXY_HOPS',
    `TRUST_PROXY_HOPS must be a whole number from 0 to ${MAX_TRUST_PROXY_HOPS}, ${HOPS_MEANING}; got ${JSON.stringify(text.slice(0, 20))}.${hint}`,
  );
}

/** The metrics never share the public port: a scrape endpoint on it would publish them to every visitor. */
function metricsPort(value: number | undefined, port: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 0 || value > 65535) {
    throw new DemoConfigError('METRICS_PORT', `METRICS_PORT must be a whole number from 0 to 65535; got ${JSON.stringify(value)}.`);
  }
  if (value !== 0 && value === port) {
    throw new DemoConfigError(
      'METRICS_PORT',
      `METRICS_PORT must differ from PORT (${port}): the metrics are served on their own loopback port, never on the public one.`,
    );
  }
  return value;
}

function integer(env: Readonly<Record<string, string | undefined>>, name: string, fallback: number, min: number, max: number): number {
  const raw = blankToUndefined(env[name]);
  if (raw === undefined) return fallback;
  const value = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new DemoConfigError(name, `${name} must be a whole number from ${min} to ${max}; got ${JSON.stringify(raw.slice(0, 20))}.`);
  }
  return value;
}
