import { crossSiteRefusal, parseLoginBody, validateUsername, type LoginBody } from '../../lib/demo';
import { rateLimitRefusal } from '../../lib/rate-limits';
import { getDemoSession } from '../../lib/session';

export const dynamic = 'force-dynamic';

const MAX_BODY_BYTES = 1024;

/**
 * `POST /login`, JSON or form `{ username }`: 200 `{ username }` and a sealed session cookie;
 * 400 `{ error }` with the username rule; 403 for a post another site made the browser send
 * (login CSRF), answered before any session is touched, so it never sets a cookie; 429 `{ error }`
 * with `Retry-After` over `RATE_LIMIT_LOGIN_PER_MIN` per client address, 503 while Redis is down.
 */
export async function POST(request: Request): Promise<Response> {
  const refusal = crossSiteRefusal(request.headers);
  if (refusal) return Response.json(refusal.body, { status: refusal.status });
  const limited = await rateLimitRefusal('login', request);
  if (limited) return limited;

  const body = await readLoginBody(request);
  if ('error' in body) return Response.json({ error: body.error }, { status: body.status });
  const check = validateUsername(body.username);
  if (!check.ok) return Response.json({ error: check.error }, { status: 400 });

  const headers = new Headers({ 'Cache-Control': 'no-store' });
  const session = await getDemoSession(request, headers);
  // A fresh seal at every login: whatever cookie came with the request is replaced.
  session.user = { username: check.username };
  await session.save();
  return Response.json({ username: check.username }, { headers });
}

const TOO_LARGE = { error: 'The request body is too large.', status: 413 } as const;

/** The `username` field of a JSON or urlencoded body of at most 1 kB. */
async function readLoginBody(request: Request): Promise<LoginBody> {
  const text = await readBoundedText(request, MAX_BODY_BYTES);
  if (text === undefined) return TOO_LARGE;
  return parseLoginBody(request.headers.get('content-type'), text);
}

/**
 * The body as UTF-8 text, or undefined when it is over `maxBytes`: refused from `Content-Length`
 * before a byte is read, else read chunk by chunk and given up (the stream cancelled) as soon as
 * the count passes the limit, so a huge or endless chunked body costs at most `maxBytes` plus one
 * chunk. `request.text()` would hold the whole body first. Hand-written: the body-limit libraries
 * (raw-body, co-body) read Node streams, and a route handler has a Fetch `Request`.
 */
async function readBoundedText(request: Request, maxBytes: number): Promise<string | undefined> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) return undefined;
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
