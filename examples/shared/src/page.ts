import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CHAT_FEATURES } from '@ably-chat-auth/core';
import { DEV_API_KEY } from './config.js';
import { DEMO_ROUTES } from './routes.js';

export { DEMO_ROUTES } from './routes.js';

/** A file the chat page loads, described for any framework: serve `file` at `path` as `contentType`. */
export interface StaticAsset {
  /** URL path, e.g. `/assets/chat-session.js`. */
  readonly path: string;
  /** Absolute path of the file on disk. */
  readonly file: string;
  /** The `Content-Type` to send (always set it). */
  readonly contentType: string;
}

const PUBLIC_DIR = join(__dirname, '..', 'public');
const JS = 'text/javascript; charset=utf-8';
// `@ably-chat-auth/client/session` with the real `ably` and `@ably/chat`, bundled by this package's
// build (scripts/build-chat-session.cjs); it defines the global `AblyChatSession`.
const SESSION_BUNDLE = join(__dirname, '..', 'dist', 'chat-session.js');

/**
 * The page's script and stylesheet, and its libraries: `@ably-chat-auth/client/session` with the
 * real `ably` and `@ably/chat` browser SDKs in one bundle (served by the app, no CDN).
 *
 * @example
 * for (const asset of chatPageAssets) app.get(asset.path, (req, res) => res.type(asset.contentType).sendFile(asset.file));
 */
export const chatPageAssets: readonly StaticAsset[] = Object.freeze(
  [
    { path: '/assets/chat-page.css', file: join(PUBLIC_DIR, 'chat-page.css'), contentType: 'text/css; charset=utf-8' },
    { path: '/assets/chat-session.js', file: SESSION_BUNDLE, contentType: JS },
    { path: '/assets/chat-page.js', file: join(PUBLIC_DIR, 'chat-page.js'), contentType: JS },
  ].map((asset) => {
    if (!existsSync(asset.file)) {
      throw new Error(
        `The chat page asset ${asset.path} is missing at ${asset.file}; ${
          asset.file === SESSION_BUNDLE
            ? 'build it with npx --yes pnpm@10 --filter @ably-chat-auth-examples/shared build (npx --yes pnpm@10 start does).'
            : 'run pnpm install.'
        }`,
      );
    }
    return Object.freeze(asset);
  }),
);

/**
 * Headers for the HTML page: scripts and styles only from the app itself; the Ably SDK may
 * connect to Ably over HTTPS and WebSockets.
 */
export const CHAT_PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' https: wss:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
});

/** Options of {@link renderChatPage}. */
export interface ChatPageOptions {
  /** Shown in the header, e.g. `'Express'`. */
  framework: string;
}

/**
 * The chat page's HTML. Core's Chat feature table is embedded as JSON, so the page's token panel
 * maps capabilities to features with the same table as the server.
 * @example app.get('/', (req, res) => res.set(CHAT_PAGE_HEADERS).send(renderChatPage({ framework: 'Express' })));
 */
export function renderChatPage({ framework }: ChatPageOptions): string {
  // Core's Chat feature table, the routes and the dev key's name, as a JSON data block: not
  // executed (CSP-safe), and '<' is escaped so nothing in it can close the tag.
  const data = JSON.stringify({ features: CHAT_FEATURES, routes: DEMO_ROUTES, devKeyName: DEV_API_KEY.split(':')[0] }).replace(/</g, '\\u003c');
  const name = escapeHtml(framework);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ably Chat auth demo · ${name}</title>
<link rel="stylesheet" href="/assets/chat-page.css">
<script id="chat-page-data" type="application/json">${data}</script>
<script src="/assets/chat-session.js" defer></script>
<script src="/assets/chat-page.js" defer></script>
</head>
<body>
<header class="top">
  <h1>Ably Chat auth demo <span class="badge">${name}</span></h1>
  <div id="session" hidden>
    Signed in as <strong id="session-user"></strong>
    <button id="logout" type="button" class="secondary">Log out</button>
  </div>
</header>
<main>
  <p id="page-error" class="alert error" role="alert" hidden></p>
  <p id="chat-status" class="status" data-status="checking" role="status" aria-live="polite">Checking your session\u2026</p>

  <section id="login-view" class="card narrow" hidden>
    <h2>Sign in to chat</h2>
    <form id="login-form" method="post" action="${DEMO_ROUTES.login}" novalidate>
      <label for="username">Username</label>
      <div class="row">
        <input id="username" name="username" autocomplete="username" spellcheck="false" autocapitalize="none" required>
        <button type="submit">Sign in</button>
      </div>
      <p id="login-error" class="field-error" role="alert" hidden></p>
    </form>
    <p class="hint">No password: this is a demo. Try <code>alice</code>, <code>admin</code> (moderates <code>announcements</code>) or <code>banned</code> (refused with 403).
    Usernames: 1-32 characters, <code>a-z</code>, <code>0-9</code>, <code>_</code>, <code>-</code>.</p>
  </section>

  <section id="chat-view" hidden>
    <p id="chat-pending" class="card narrow muted" aria-live="polite">Getting your Ably token\u2026</p>
    <div id="chat-grid" class="grid" hidden>
      <section class="card chat">
        <div class="card-head">
          <h2>Room <code>lobby</code></h2>
          <span id="connection-state" class="state" data-state="initialized">not connected</span>
        </div>
        <p id="connection-detail" class="detail" hidden></p>
        <ul id="messages" class="messages" aria-live="polite"></ul>
        <p id="typing" class="typing" aria-live="polite"></p>
        <form id="send-form" class="row">
          <input id="message-input" autocomplete="off" placeholder="Write a message" aria-label="Message" disabled>
          <button id="send-button" type="submit" disabled>Send</button>
        </form>
      </section>
      <aside>
        <section class="card">
          <h2>Present in <code>lobby</code></h2>
          <ul id="presence" class="presence"><li class="muted">nobody yet</li></ul>
        </section>
        <section id="switch-user" class="card">
          <h2>Log in as another user</h2>
          <form id="switch-form" method="post" action="${DEMO_ROUTES.login}" novalidate>
            <div class="row">
              <input id="switch-username" name="username" aria-label="Username" autocomplete="off" spellcheck="false" autocapitalize="none" required>
              <button type="submit">Switch</button>
            </div>
            <p id="switch-error" class="field-error" role="alert" hidden></p>
          </form>
          <p class="hint">The chat session closes this connection and opens one for the new user.</p>
        </section>
        <section id="token-panel" class="card">
          <h2>Your Ably token</h2>
          <p id="token-empty" class="muted">No token yet.</p>
          <div id="token-details" hidden>
            <p id="dev-key-note" class="note" hidden>Signed with the embedded development key: Ably rejects this token, so the chat cannot connect. Set <code>ABLY_API_KEY</code> on the server to chat for real.</p>
            <dl class="facts">
              <dt>clientId</dt><dd id="token-client-id"></dd>
              <dt>Expires</dt><dd id="token-expiry"></dd>
              <dt>Signed by</dt><dd id="token-key"></dd>
              <dt>Fetched</dt><dd id="token-fetched"></dd>
            </dl>
            <table class="rooms">
              <thead><tr><th>Room pattern</th><th>Chat features</th><th>What others see about you</th></tr></thead>
              <tbody id="token-rooms"></tbody>
            </table>
            <details>
              <summary>Raw token</summary>
              <pre id="token-raw"></pre>
            </details>
          </div>
        </section>
      </aside>
    </div>
  </section>
</main>
</body>
</html>
`;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
