import { readFileSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { runInNewContext } from 'node:vm';
import { CHAT_FEATURES } from '@ably-chat-auth/core';
import { CHAT_PAGE_HEADERS, DEMO_ROUTES, chatPageAssets, renderChatPage } from '../src/index';

describe('renderChatPage', () => {
  const html = renderChatPage({ framework: 'Express' });

  test('embeds core\u2019s Chat feature table, the routes and the dev key\u2019s name as JSON data', () => {
    const data = /<script id="chat-page-data" type="application\/json">(.*?)<\/script>/.exec(html)?.[1];
    expect(JSON.parse(data!)).toEqual({ features: CHAT_FEATURES, routes: DEMO_ROUTES, devKeyName: 'devApp.devKey' });
  });

  test('loads every script and stylesheet from the app itself, in SDK order', () => {
    const sources = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
    expect(sources).toEqual(['/vendor/ably.min.js', '/vendor/ably-chat.umd.js', '/vendor/ably-chat-auth.js', '/assets/chat-page.js']);
    const served = chatPageAssets.map((a) => a.path);
    for (const url of [...sources, '/assets/chat-page.css']) expect(served).toContain(url);
    expect(html).not.toMatch(/https?:\/\//);
  });

  test('escapes the framework name', () => {
    expect(renderChatPage({ framework: '<b>"x"</b>' })).toContain('&#60;b&#62;&#34;x&#34;&#60;/b&#62;');
  });

  test('the page headers forbid inline and third-party scripts', () => {
    expect(CHAT_PAGE_HEADERS['Content-Security-Policy']).toMatch(/script-src 'self';/);
    expect(CHAT_PAGE_HEADERS['Content-Type']).toBe('text/html; charset=utf-8');
  });
});

describe('chatPageAssets', () => {
  test('every asset is an existing absolute file with an explicit content type', () => {
    for (const asset of chatPageAssets) {
      expect(isAbsolute(asset.file)).toBe(true);
      expect(statSync(asset.file).size).toBeGreaterThan(1000);
      expect(asset.contentType).toMatch(/^text\/(javascript|css); charset=utf-8$/);
    }
  });

  test('the SDK files are the browser builds: Ably for the global, the Chat UMD reading it', () => {
    const file = (path: string) => readFileSync(chatPageAssets.find((a) => a.path === path)!.file, 'utf8');
    expect(file('/vendor/ably.min.js')).toContain('g["Ably"]');
    expect(file('/vendor/ably-chat.umd.js')).toMatch(/\.AblyChat=\{\},\w+\.Ably\)/);
  });

  test('the token flow is @ably-chat-auth/client\u2019s <script> build, which defines AblyChatAuth.createAuthCallback', () => {
    const asset = chatPageAssets.find((a) => a.path === '/vendor/ably-chat-auth.js')!;
    expect(asset.file).toMatch(/packages[\\/]client[\\/]dist[\\/]ably-chat-auth\.global\.js$/);
    const window: { AblyChatAuth?: { createAuthCallback?: unknown } } = {};
    runInNewContext(readFileSync(asset.file, 'utf8'), window);
    expect(typeof window.AblyChatAuth?.createAuthCallback).toBe('function');
  });

  test('the page script has no token logic of its own: it uses the package and never asks the route itself', () => {
    const script = readFileSync(chatPageAssets.find((a) => a.path === '/assets/chat-page.js')!.file, 'utf8');
    expect(script).toContain('AblyChatAuth.createAuthCallback(ROUTES.token');
    expect(script).not.toMatch(/fetch\(ROUTES\.token/);
    expect(script).not.toContain('Ably.ErrorInfo');
  });
});
