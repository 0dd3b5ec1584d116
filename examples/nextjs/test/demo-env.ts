import { randomTestKey } from '@ably-chat-auth/adapter-contract/testing';

/** The key the route handlers sign with in these tests. */
export const key = randomTestKey('nextApp.nextKey');
/** The iron-session secret the handlers seal cookies with. */
export const SESSION_SECRET = 'a-session-secret-of-more-than-32-characters';

// The app reads the shared demo config from the environment once, when a route module loads:
// import this module before the routes.
process.env.ABLY_API_KEY = key.apiKey;
process.env.SESSION_SECRET = SESSION_SECRET;
