/**
 * A key that does not parse stands for one that is missing or wrong when the server runs (the demo
 * config falls back to the development key only when ABLY_API_KEY is unset). Set before the route
 * module loads, as `next build` loads it with whatever environment the build has.
 */
export const BAD_KEY = 'not-an-ably-key-secret-value';
process.env.ABLY_API_KEY = BAD_KEY;
process.env.SESSION_SECRET = 'a-session-secret-of-more-than-32-characters';
