export { createAuthCallback } from './auth-callback.js';
export type { AblyChatAuthClientError } from './errors.js';
export type { AuthCallback, AuthCallbackOptions, AuthHeaders, AuthToken, TokenDetails, TokenRequest, TokenRouteError } from './types.js';
