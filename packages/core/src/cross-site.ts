import { readHeader, type RequestHeaders } from './read-header.js';

/**
 * True when a browser marked the request as coming from another site: `Sec-Fetch-Site:
 * cross-site`. Without that header (older browsers), a request whose `Origin` is `null` (sandboxed
 * frames, some redirects) or names another host than `Host` counts as cross-site too.
 * Non-browser clients send neither header and are never cross-site.
 *
 * Use it to refuse cross-site form posts (login CSRF) in front of a session login.
 *
 * @example
 * app.post('/login', (req, res, next) => {
 *   if (isCrossSiteRequest(req.headers)) return res.status(403).json({ error: 'cross-site login refused' });
 *   next();
 * });
 */
export function isCrossSiteRequest(headers: RequestHeaders): boolean {
  const site = readHeader(headers, 'sec-fetch-site');
  if (site !== undefined) return site.toLowerCase() === 'cross-site';
  const origin = readHeader(headers, 'origin');
  if (origin === undefined) return false;
  if (origin === 'null') return true;
  const host = readHeader(headers, 'host');
  try {
    return host === undefined || new URL(origin).host.toLowerCase() !== host.toLowerCase();
  } catch {
    return true;
  }
}
