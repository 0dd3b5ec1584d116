import { defineConfig, type Options } from 'tsup';
import { libraryBuild } from '../../tsup.base';

// `require('@ably-chat-auth/fastify')` is the plugin itself, with `.default` and `.ablyChatAuth`
// (and the other named exports) on it, as the official @fastify plugins export themselves.
export default defineConfig({
  ...(libraryBuild() as Options),
  footer: ({ format }) => (format === 'cjs' ? { js: 'module.exports = Object.assign(module.exports.default, module.exports);' } : {}),
});
