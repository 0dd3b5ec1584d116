// Builds the chat page's one script of libraries: @ably-chat-auth/client/session with its peers
// `ably` and `@ably/chat`, bundled by esbuild into dist/chat-session.js, which defines the global
// `AblyChatSession` (`createChatSession`). A bundle because @ably/chat's browser builds import
// `ably` and three small modules; the page itself stays a plain script over that global.
//
//   node scripts/build-chat-session.cjs     (the package's `build`; `pnpm start` runs it)
//
// Like every workspace import of the examples, @ably-chat-auth/client resolves to its TypeScript
// sources (the root tsconfig's `paths`), so the page needs no prior build of the package.
const { buildSync } = require('esbuild');
const { mkdirSync, renameSync } = require('node:fs');
const { join } = require('node:path');

const pkg = join(__dirname, '..');
const bundle = join(pkg, 'dist', 'chat-session.js');

function buildChatSession() {
  mkdirSync(join(pkg, 'dist'), { recursive: true });
  // Written beside the target and renamed, so a server never serves a half-written file.
  const temporary = `${bundle}.${process.pid}.tmp`;
  buildSync({
    stdin: { contents: "export { createChatSession } from '@ably-chat-auth/client/session';", resolveDir: pkg, sourcefile: 'chat-session-entry.js' },
    bundle: true,
    format: 'iife',
    globalName: 'AblyChatSession',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    tsconfig: join(pkg, '..', '..', 'tsconfig.json'),
    outfile: temporary,
    logLevel: 'warning',
  });
  renameSync(temporary, bundle);
  return bundle;
}

module.exports = { buildChatSession, bundle };

if (require.main === module) buildChatSession();
