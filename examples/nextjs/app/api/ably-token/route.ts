import { createFetchTokenRoute } from '@ably-chat-auth/core/fetch';
import { demoConfig } from '../../../lib/config';
import { DemoConfigError, demoClientId, demoPolicy, demoUserClaims, type DemoUser } from '../../../lib/demo';
import { rateLimitRefusal } from '../../../lib/rate-limits';
import { getDemoSession } from '../../../lib/session';

// Every answer depends on the session cookie: never prerendered or cached.
export const dynamic = 'force-dynamic';

const tokenRoute = createFetchTokenRoute<DemoUser>({
  // Read per token, not at import: `next build` imports this module and may run without ABLY_API_KEY.
  apiKey: () => demoConfig().apiKey,
  // The sealed iron-session cookie; no session (or one that does not unseal) is a 401.
  resolveUser: async (request) => (await getDemoSession(request)).user,
  policy: demoPolicy,
  userClaims: demoUserClaims,
  clientId: demoClientId,
});

/** Over `RATE_LIMIT_TOKEN_PER_MIN` per client address, Ably's 429 with `Retry-After` (503 while Redis is down); else the token route. */
async function handler(request: Request): Promise<Response> {
  let refusal: Response | undefined;
  try {
    refusal = await rateLimitRefusal('token', request);
  } catch (error) {
    // A config that does not load (ABLY_API_KEY malformed, SESSION_SECRET too short) cannot issue a
    // token: the token route then fails reading the session and answers Ably's 500, logging the
    // message that names the variable (never its value).
    if (!(error instanceof DemoConfigError)) throw error;
  }
  return refusal ?? tokenRoute(request);
}

/** `GET /api/ably-token`: the ably-chat-auth token route (the SDK's authCallback, or `authUrl`). */
export const GET = handler;
/** `POST /api/ably-token`: the same route; the body is never read. */
export const POST = handler;
