import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { isLoginBodyType, parseLoginBody, type LoginBody } from './login-username.js';

/** Largest login body the demo reads: `{"username":"..."}` needs well under 100 bytes. */
export const MAX_LOGIN_BODY_BYTES = 1024;

/**
 * Reads the `username` of a JSON or form (`application/x-www-form-urlencoded`) login body of at
 * most {@link MAX_LOGIN_BODY_BYTES}; any other type has none. An oversized body is refused from
 * its `Content-Length` before a byte is read, and a chunked one as soon as the count passes the
 * limit: raw-body then leaves the rest unread. Answer a 413 with `Connection: close`, so the
 * server does not read the rest either. (body-parser, which Express's `express.json` is, reads
 * and discards the whole remaining body before it answers a 413, however large.)
 *
 * @example
 * const body = await readLoginBody(req);
 * if ('error' in body) return res.status(body.status).set(body.status === 413 ? { Connection: 'close' } : {}).json({ error: body.error });
 */
export async function readLoginBody(req: IncomingMessage): Promise<LoginBody> {
  const type = req.headers['content-type'];
  if (!isLoginBodyType(type)) return { username: undefined };
  let text: string;
  try {
    const length = req.headers['content-length'];
    text = await getRawBody(req, { limit: MAX_LOGIN_BODY_BYTES, encoding: 'utf8', ...(length === undefined ? {} : { length }) });
  } catch (error) {
    if ((error as { type?: unknown }).type === 'entity.too.large') return { error: 'The request body is too large.', status: 413 };
    return { error: 'The request body could not be read.', status: 400 };
  }
  return parseLoginBody(type, text);
}
