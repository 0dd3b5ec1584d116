import { tokenRouteError } from './errors.js';
import { resolveOptions, type ResolvedAuthCallbackOptions } from './options.js';
import type { AuthCallback, AuthCallbackOptions, AuthToken, TokenRouteError } from './types.js';

/** Ably's code for "error from client token callback": retried by the client. */
const CALLBACK_ERROR = 40170;
/** ably-js refuses a token (or TokenDetails JSON) over 128 KiB, so nothing longer is worth reading. */
const MAX_BODY = 131_072;

/**
 * Creates an Ably `authCallback` that fetches a token from your token route and tells the Ably
 * client what a refusal means: 403 fails the connection for good, while 401, 429, 5xx, a timeout
 * or a network failure are retried. Ably's own snippet passes a bare `Error`, which ably-js
 * reads as 401, so a banned user retries forever.
 *
 * @example
 * import * as Ably from 'ably';
 * import { createAuthCallback } from '@ably-chat-auth/client';
 *
 * const realtime = new Ably.Realtime({
 *   authCallback: createAuthCallback('/api/ably-token', { onForbidden: () => showBanner('You may not chat.') }),
 * });
 */
export function createAuthCallback(url: string, options?: AuthCallbackOptions): AuthCallback {
  const resolved = resolveOptions(url, options);
  // The Ably client's tokenParams (clientId, capability, ttl) are ignored on purpose: the server decides.
  return (_tokenParams, callback) => {
    requestToken(url, resolved).then(
      (token) => callback(null, token),
      (error: TokenRouteError) => callback(error, null),
    );
  };
}

/** Fetches one token from the route: the token, or the Ably-shaped error the Ably client must see. */
export async function requestToken(url: string, options: ResolvedAuthCallbackOptions): Promise<AuthToken> {
  let extra: Record<string, string> | undefined;
  try {
    extra = typeof options.headers === 'function' ? await options.headers() : options.headers;
  } catch (error) {
    throw tokenRouteError(`The headers option failed: ${messageOf(error)}`, CALLBACK_ERROR, 500);
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeout);
  let response: Response;
  let body: string | undefined;
  try {
    response = await options.fetch(url, {
      method: options.method,
      credentials: options.credentials,
      headers: { Accept: 'application/jwt, application/json, text/plain', ...extra },
      signal: controller.signal,
    });
    // Inside the deadline too: a route that sends headers and then stalls is still a hang.
    body = await readCapped(response);
  } catch (error) {
    throw controller.signal.aborted
      ? tokenRouteError(`The token route ${url} did not answer within ${options.timeout} ms.`, 50003, 504)
      : tokenRouteError(`Could not reach the token route ${url}: ${messageOf(error)}`, CALLBACK_ERROR, 500);
  } finally {
    // No abort once the body is read: the browser would report the answer as cancelled.
    clearTimeout(timer);
  }
  // A token route never needs another origin; a redirect there must not hand that origin's token (or identity) to the app.
  // (response.url is the last URL fetched; a custom fetch may leave it empty.)
  const base = (globalThis as { location?: Location }).location?.href;
  const to = new URL(response.url || url, base).origin;
  if (to !== new URL(url, base).origin) {
    throw tokenRouteError(`The token route ${url} redirected to another origin, ${to}: refused.`, CALLBACK_ERROR, 500);
  }
  const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!response.ok) throw refusal(response, type, body ?? '', options);
  if (body === undefined) throw tokenRouteError(`The token route ${url} answered over 128 KiB: no token is that long.`, CALLBACK_ERROR, 500);
  if (type === 'application/jwt' || type === 'text/plain') {
    if (body.trim()) return body.trim();
  } else if (type === 'application/json') {
    const json = parse(body) as Record<string, unknown> | undefined;
    if (typeof json?.token === 'string' || typeof json?.mac === 'string') return json as unknown as AuthToken;
  }
  // One message for every unusable 2xx (wrong type, empty body, JSON that is no token): it names what came back.
  throw tokenRouteError(
    `The token route ${url} answered ${response.status} with Content-Type '${type || '(none)'}' and no token; expected application/jwt, text/plain, or application/json holding a TokenDetails or TokenRequest.`,
    CALLBACK_ERROR,
    500,
  );
}

/** The refusal as the Ably client must see it, after telling the app. */
function refusal(response: Response, type: string, body: string, options: ResolvedAuthCallbackOptions): TokenRouteError {
  const status = response.status;
  const ably = type === 'application/json' ? (parse(body) as { error?: { message?: unknown; code?: unknown } } | undefined)?.error : undefined;
  const message =
    typeof ably?.message === 'string' ? ably.message : `The token route answered ${status}${response.statusText ? ` ${response.statusText}` : ''}.`;
  const code = typeof ably?.code === 'number' ? ably.code : status * 100;
  const error = tokenRouteError(message, code, status);
  if (status === 403) notify(options.onForbidden, error);
  if (status !== 401) return error;
  notify(options.onUnauthenticated, error);
  // 403 is the one status after which the Ably client stops retrying.
  return options.unauthenticated === 'stop' ? tokenRouteError(message, code, 403) : error;
}

/** Calls an app's hook; what it throws or rejects must not keep the Ably client from its answer. */
function notify(hook: ((error: TokenRouteError) => unknown) | undefined, error: TokenRouteError): void {
  try {
    Promise.resolve(hook?.(error)).catch(() => {});
  } catch {
    // Ignored: see above.
  }
}

/**
 * The body as text, or undefined past {@link MAX_BODY} bytes, the rest cancelled unread. Hand-written: a few lines over the standard stream reader, where a library would cost the
 * <script> build its size budget.
 */
async function readCapped(response: Response): Promise<string | undefined> {
  const reader = response.body?.getReader();
  const chunks: BlobPart[] = [];
  let size = 0;
  // The cast is for the root tsconfig's DOM lib, whose BlobPart wants an ArrayBuffer-backed array (ESLint's view needs none).
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
  for (let chunk; reader && !(chunk = await reader.read()).done; chunks.push(chunk.value as Uint8Array<ArrayBuffer>)) {
    // Cancelling the stream stops the download: the rest is never read.
    if ((size += chunk.value.length) > MAX_BODY) return void reader.cancel();
  }
  return new Blob(chunks).text();
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function messageOf(error: unknown): string {
  return String((error as Error | undefined)?.message ?? error);
}
