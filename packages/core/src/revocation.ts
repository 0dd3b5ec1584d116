import { AblyApiKey } from './api-key.js';
import { AblyChatAuthError, describeValue } from './errors.js';
import { base64OfText } from './utf8.js';

/** Whose tokens to revoke: every token of a clientId, or every token carrying a revocation key. */
export type RevocationTarget = { clientId: string } | { revocationKey: string };

/** Options of {@link revokeTokens}. */
export interface RevokeTokensOptions {
  /** The API key that issued the tokens (revocable tokens must be enabled on it). */
  apiKey: string | AblyApiKey;
  /** Whose tokens. Any number: sent in batches of 100, Ably's limit per call. */
  targets: readonly RevocationTarget[];
  /** Revoke tokens issued before this time (ms since the epoch or a Date). Default: Ably's "now". */
  issuedBefore?: number | Date;
  /** Give clients a grace period to fetch a new token before the old one stops working. Default Ably's (false). */
  allowReauthMargin?: boolean;
  /** Ably's REST endpoint, e.g. `'https://main.realtime.ably.net'` (default) or a local test server. */
  baseUrl?: string;
  /** The fetch to use (default: global fetch). It must honour `redirect: 'manual'`. */
  fetch?: typeof fetch;
  /** Per-call deadline in ms. Default 15000. */
  timeoutMs?: number;
}

/** One batch's answer from Ably. */
export interface RevocationBatchResult {
  targets: string[];
  /** Ably's parsed JSON answer for the batch. */
  response: unknown;
}

/** Ably's default REST endpoint (ably-js 2.x). */
export const DEFAULT_ABLY_REST_URL = 'https://main.realtime.ably.net';
const BATCH = 100;
/**
 * The most revokeTokens reads of one answer: Ably's answer to a batch of 100 targets is about
 * 10 KB, so anything far larger is not Ably's, and is not read into memory whole.
 */
const MAX_ANSWER_BYTES = 64 * 1024;
/** The most of a remote error message an error of ours quotes. */
const MAX_REMOTE_MESSAGE_LENGTH = 300;

/**
 * A remote text as our messages quote it: control characters, bidi controls and invisible
 * characters as `\uXXXX` escapes (a proxy's answer must not rewrite a log line or a terminal), cut
 * to {@link MAX_REMOTE_MESSAGE_LENGTH} characters.
 */
function quoteRemote(text: string): string {
  const cut = text.length > MAX_REMOTE_MESSAGE_LENGTH ? `${text.slice(0, MAX_REMOTE_MESSAGE_LENGTH)}…` : text;
  // eslint-disable-next-line no-control-regex -- the very characters to escape
  return cut.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\p{Bidi_Control}\p{Default_Ignorable_Code_Point}\p{Cs}]/gu, (character) => {
    let escaped = '';
    for (let i = 0; i < character.length; i++) escaped += `\\u${character.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return escaped;
  });
}

/**
 * The REST endpoint, checked before any request: an absolute http(s) URL without credentials. A
 * `user:pass@` part would be pointless (the API key authenticates) and would end up in messages.
 */
function resolveBase(baseUrl: string | undefined): string {
  if (baseUrl === undefined) return DEFAULT_ABLY_REST_URL;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new AblyChatAuthError('ERR_INVALID_OPTIONS', `revokeTokens: baseUrl must be an absolute URL such as '${DEFAULT_ABLY_REST_URL}'.`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new AblyChatAuthError(
      'ERR_INVALID_OPTIONS',
      `revokeTokens: baseUrl must not carry credentials (user:password@${url.host}); the API key authenticates the call. Remove them.`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AblyChatAuthError('ERR_INVALID_OPTIONS', `revokeTokens: baseUrl must be an http or https URL; got the scheme '${quoteRemote(url.protocol)}'.`);
  }
  // Origin and path only: a query or fragment has no place in a REST endpoint.
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/**
 * Reads an answer's body as text, at most `limit` bytes: a larger Content-Length is refused before
 * reading, and a body that grows past the limit is cancelled. Returns undefined when over.
 */
async function readBoundedText(response: Response, limit: number): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

function targetString(target: RevocationTarget, index: number): string {
  if (typeof target === 'object' && target !== null) {
    if ('clientId' in target && typeof target.clientId === 'string' && target.clientId.length > 0) return `clientId:${target.clientId}`;
    if ('revocationKey' in target && typeof target.revocationKey === 'string' && target.revocationKey.length > 0)
      return `revocationKey:${target.revocationKey}`;
  }
  throw new AblyChatAuthError(
    'ERR_INVALID_OPTIONS',
    `Revocation target #${index + 1} must be { clientId: string } or { revocationKey: string } with a non-empty value; got ${describeValue(target)}.`,
  );
}

// Only the host: a Location may carry credentials, a path or a query that should not be logged.
function locationHost(location: string | null, base: string): string {
  if (location === null) return '(no Location header)';
  try {
    return new URL(location, base).host || '(a Location without a host)';
  } catch {
    return '(an unparseable Location)';
  }
}

/**
 * Revokes tokens through Ably's REST API (`POST /keys/{keyName}/revokeTokens`, basic auth with
 * the key). Revoked clients get error 40141 and fetch a new token from your route, which applies
 * the user's current permissions. Requires revocable tokens to be enabled on the key.
 *
 * Redirects are not followed (they would resend the key): a 3xx answer is an
 * `ERR_REVOCATION_FAILED` naming the Location's host. At most 64 KiB of an answer is read; the
 * remote message is quoted with its control characters escaped; `baseUrl` may not carry credentials.
 *
 * @throws AblyChatAuthError `ERR_REVOCATION_FAILED` carrying Ably's `code`, `statusCode` and message.
 * @example
 * await revokeTokens({ apiKey: process.env.ABLY_API_KEY!, targets: [{ clientId: 'mallory' }] });
 */
export async function revokeTokens(options: RevokeTokensOptions): Promise<RevocationBatchResult[]> {
  const key = options.apiKey instanceof AblyApiKey ? options.apiKey : AblyApiKey.parse(options.apiKey);
  if (!Array.isArray(options.targets) || options.targets.length === 0) {
    throw new AblyChatAuthError('ERR_INVALID_OPTIONS', 'revokeTokens needs at least one target: { clientId } or { revocationKey }.');
  }
  const targets = options.targets.map(targetString);
  const base = resolveBase(options.baseUrl);
  const doFetch = options.fetch ?? fetch;
  const issuedBefore = options.issuedBefore instanceof Date ? options.issuedBefore.getTime() : options.issuedBefore;
  const authorization = `Basic ${base64OfText(`${key.keyName}:${key.revealSecret()}`)}`;
  const url = `${base}/keys/${encodeURIComponent(key.keyName)}/revokeTokens`;
  const results: RevocationBatchResult[] = [];
  for (let start = 0; start < targets.length; start += BATCH) {
    const batch = targets.slice(start, start + BATCH);
    const body: Record<string, unknown> = { targets: batch };
    if (issuedBefore !== undefined) body.issuedBefore = issuedBefore;
    if (options.allowReauthMargin !== undefined) body.allowReauthMargin = options.allowReauthMargin;
    let response: Response;
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        // A followed redirect would resend the basic-auth key to whatever the Location names.
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      });
    } catch (cause) {
      throw new AblyChatAuthError('ERR_REVOCATION_FAILED', `Could not reach Ably at ${base} to revoke tokens: ${quoteRemote((cause as Error).message)}.`, {
        cause,
        details: { batch: start / BATCH, revokedBatches: results.length },
      });
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => undefined);
      const redirectHost = locationHost(response.headers.get('location'), url);
      throw new AblyChatAuthError(
        'ERR_REVOCATION_FAILED',
        `${new URL(url).host} answered the revocation with a redirect (${response.status}) to ${redirectHost}; revokeTokens does not follow redirects, as that would send the API key to another server. Set baseUrl to the REST endpoint itself (default ${DEFAULT_ABLY_REST_URL}).`,
        { details: { statusCode: response.status, redirectHost, batch: start / BATCH, revokedBatches: results.length } },
      );
    }
    const text = await readBoundedText(response, MAX_ANSWER_BYTES);
    if (text === undefined) {
      throw new AblyChatAuthError(
        'ERR_REVOCATION_FAILED',
        `${new URL(url).host} answered the revocation (${response.status}) with more than ${MAX_ANSWER_BYTES / 1024} KiB; Ably's answer to ${BATCH} targets is about 10 KB, so this is not Ably (check baseUrl). The rest was not read.`,
        { details: { statusCode: response.status, limit: MAX_ANSWER_BYTES, batch: start / BATCH, revokedBatches: results.length } },
      );
    }
    let parsed: unknown = text;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : null;
    } catch {
      // Kept as text: Ably answers JSON, a proxy might not.
    }
    if (!response.ok) {
      const error = (parsed as { error?: { message?: unknown; code?: unknown } } | null)?.error;
      const code = typeof error?.code === 'number' ? error.code : Number(response.headers.get('x-ably-errorcode')) || undefined;
      const message = typeof error?.message === 'string' ? error.message : (response.headers.get('x-ably-errormessage') ?? response.statusText);
      throw new AblyChatAuthError(
        'ERR_REVOCATION_FAILED',
        `Ably refused to revoke tokens (${response.status}${code ? `, code ${code}` : ''}): ${quoteRemote(message)}`,
        {
          details: { statusCode: response.status, ablyCode: code, batch: start / BATCH, revokedBatches: results.length },
        },
      );
    }
    results.push({ targets: batch, response: parsed });
  }
  return results;
}
