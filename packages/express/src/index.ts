export { createTokenMiddleware, type ExpressTokenRouteOptions } from './middleware.js';
// One import for an app: grants helpers, errors and token tools come with the adapter.
export * from '@ably-chat-auth/core';
