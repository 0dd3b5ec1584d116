// First: sets ABLY_API_KEY and SESSION_SECRET.
import './demo-env';

/** Small limits, so a test reaches them in a few requests. */
export const LOGIN_LIMIT = 3;
export const TOKEN_LIMIT = 4;

// Read once, when the first route module loads: import this module before the routes.
process.env.RATE_LIMIT_LOGIN_PER_MIN = String(LOGIN_LIMIT);
process.env.RATE_LIMIT_TOKEN_PER_MIN = String(TOKEN_LIMIT);
process.env.TRUST_PROXY_HOPS = '0';
