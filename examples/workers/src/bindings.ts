/*
 * The Cloudflare bindings the Worker uses, declared by the calls it makes rather than taken from
 * @cloudflare/workers-types, whose globals clash with the DOM and Node types the rest of the
 * repository compiles with.
 */

/** A Workers KV namespace: the three calls the sessions make. */
export interface KvNamespace {
  get(key: string): Promise<string | null>;
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>;
  delete(key: string): Promise<void>;
}

/** A Workers Rate Limiting binding (`[[ratelimits]]` in wrangler.toml). */
export interface RateLimitBinding {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

/** A Workers static assets binding (`assets.binding`). */
export interface AssetsBinding {
  fetch(request: Request): Promise<Response>;
}

/** The Worker's `env`: secrets and variables (strings) and the bindings of wrangler.toml. */
export interface WorkerEnv {
  /** `appId.keyId:secret` (a secret: `wrangler secret put ABLY_API_KEY`); unset, the embedded dev key. */
  ABLY_API_KEY?: string;
  /** Signs the session cookie (a secret); required: every isolate must sign with the same one. */
  SESSION_SECRET?: string;
  /** Proxies of your own in front of Cloudflare; default 0. */
  TRUST_PROXY_HOPS?: string;
  /** Sessions, one JSON value per signed-in browser, expired by KV. */
  SESSIONS: KvNamespace;
  /** `POST /login` requests per client address per minute. */
  LOGIN_LIMIT: RateLimitBinding;
  /** Token requests per client address per minute. */
  TOKEN_LIMIT: RateLimitBinding;
  /** The chat page's script, stylesheet and SDKs. */
  ASSETS: AssetsBinding;
}
