// Jest global setup: the demo page serves this package's <script> build from dist/, so tests that
// render the page need it. Builds it (a second with tsup) only when it is missing or older than src/.
const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const pkg = join(__dirname, '..');
const iife = join(pkg, 'dist', 'ably-chat-auth.global.js');

function newestSource(dir) {
  return readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const path = join(dir, entry.name);
    return Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }, 0);
}

module.exports = function ensureClientIife() {
  if (existsSync(iife) && statSync(iife).mtimeMs >= newestSource(join(pkg, 'src'))) return;
  execFileSync(process.execPath, [require.resolve('tsup/dist/cli-default.js', { paths: [pkg] })], { cwd: pkg, stdio: 'ignore' });
};
