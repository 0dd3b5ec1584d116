// Its own file, free of the page's file lookups, so a bundler can take the routes (redis.ts needs them) without the page.
/** The routes the chat page calls; every example serves them. */
export const DEMO_ROUTES = {
  /** `GET`: the chat page. */
  page: '/',
  /** `POST` JSON or form `{ username }`: 200 `{ username }`, or 400 `{ error }`. */
  login: '/login',
  /** `POST`: ends the session; 204. */
  logout: '/logout',
  /** `GET` and `POST`: the ably-chat-auth token route. */
  token: '/api/ably-token',
} as const;
