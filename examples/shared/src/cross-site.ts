import { isCrossSiteRequest, type RequestHeaders } from '@ably-chat-auth/core';

/** The JSON answer to a login or logout that another website made the browser send. */
export interface CrossSiteRefusal {
  readonly status: 403;
  readonly body: { readonly error: string };
}

const REFUSAL: CrossSiteRefusal = Object.freeze({
  status: 403,
  body: Object.freeze({
    error:
      'Refused: this request comes from another website (the browser marked it cross-site, or its Origin is not this site). Sign in and out from this site\u2019s own page.',
  }),
});

/**
 * The 403 for a `POST /login` or `POST /logout` that a page on another site posted (login CSRF:
 * a hidden form that signs the victim in as the attacker, so what they type lands in the
 * attacker's account), or undefined when the request may go on. Same-origin requests, same-site
 * ones and clients that send neither `Sec-Fetch-Site` nor `Origin` (curl, tests) go on; see
 * core's `isCrossSiteRequest`. Run it before the session middleware, so a refused request never
 * gets a session cookie.
 *
 * @example
 * app.post(['/login', '/logout'], (req, res, next) => {
 *   const refusal = crossSiteRefusal(req.headers);
 *   if (refusal) res.status(refusal.status).json(refusal.body);
 *   else next();
 * });
 */
export function crossSiteRefusal(headers: RequestHeaders): CrossSiteRefusal | undefined {
  return isCrossSiteRequest(headers) ? REFUSAL : undefined;
}
