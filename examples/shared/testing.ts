// `@ably-chat-auth-examples/shared/testing`: the demo contract kit for the examples' tests (see src/testing).
export * from './src/testing/index.js';
