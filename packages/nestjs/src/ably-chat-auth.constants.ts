/** Injection token of the module's options (what `forRoot` got, or what the `forRootAsync` factory returned). */
export const ABLY_CHAT_AUTH_OPTIONS = 'ABLY_CHAT_AUTH_OPTIONS';

/** Metadata key of `@ChatGrants()`. */
export const CHAT_GRANTS_METADATA = 'ably-chat-auth:chat-grants';

/** Metadata key of `@ChatUserClaims()`. */
export const CHAT_USER_CLAIMS_METADATA = 'ably-chat-auth:chat-user-claims';
