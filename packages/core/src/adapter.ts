/**
 * `@ably-chat-auth/core/adapter`: what authors of framework adapters need. Apps import the root.
 */
export { createAdapterTokenRoute, resolveTokenPath, DEFAULT_TOKEN_PATH, type AdapterRouteSetup, type TokenRouteAdapterOptions } from './adapter-route.js';
export { readHeader, type RequestHeaders } from './read-header.js';
export { resolveLogger } from './logger.js';
export { handleNodeRequest, writeTokenRouteResponse } from './node-http.js';
export { assertKnownOptions } from './did-you-mean.js';
export { invalidOptions } from './errors.js';
export { ablyCodeForStatus, ablyErrorResponse, NO_STORE_HEADERS, TOKEN_ROUTE_ERROR_CODES, type TokenRouteResponse } from './responses.js';
export { internalErrorResponse } from './token-route-decision.js';
export { resolvePolicy, TOKEN_ROUTE_OPTION_NAMES } from './token-route-options.js';
export type { MaybeUser, TokenRoute, TokenRouteCallOptions, TokenRouteRequest } from './token-route.js';
