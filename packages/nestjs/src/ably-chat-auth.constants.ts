/** Injection token of the module's options (what `forRoot` got, or what the `forRootAsync` factory returned). */
export const ABLY_CHAT_AUTH_OPTIONS = 'ABLY_CHAT_AUTH_OPTIONS';

/** Injection token of the core token route built once from the options. Internal: inject `AblyChatAuthService`. */
export const ABLY_CHAT_AUTH_TOKEN_ROUTE = 'ABLY_CHAT_AUTH_TOKEN_ROUTE';

/** Path of the built-in token route, under the app's global prefix (`app.setGlobalPrefix('api')` -> `/api/ably-token`). */
export const DEFAULT_TOKEN_ROUTE_PATH = 'ably-token';

/** Metadata key of `@ChatGrants()`. */
export const CHAT_GRANTS_METADATA = 'ably-chat-auth:chat-grants';
