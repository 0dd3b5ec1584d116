import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { CHAT_FEATURES } from '@ably-chat-auth/core';
import { CHAT_PAGE_HEADERS, DEMO_ROUTES, chatPageAssets, renderChatPage } from '../src/index';

describe('renderChatPage', () => {
  const html = renderChatPage({ framework: 'Express' });

  test('embeds core\u2019s Chat feature table, the routes and the dev key\u2019s name as JSON data', () => {
    const data = /<script id="chat-page-data" type="application\/json">(.*?)<\/script>/.exec(html)?.[1];
    expect(JSON.parse(data!)).toEqual({ features: CHAT_FEATURES, routes: DEMO_ROUTES, devKeyName: 'devApp.devKey' });
  });

  test('loads every script and stylesheet from the app itself: the session bundle, then the page', () => {
    const sources = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
    expect(sources).toEqual(['/assets/chat-session.js', '/assets/chat-page.js']);
    const served = chatPageAssets.map((a) => a.path);
    for (const url of [...sources, '/assets/chat-page.css']) expect(served).toContain(url);
    expect(html).not.toMatch(/https?:\/\//);
  });

  test('has a place for the session\u2019s state, and a form to log in as another user', () => {
    expect(html).toContain('<p id="chat-status" class="status" data-status="checking" role="status" aria-live="polite">');
    expect(html).toMatch(/<form id="switch-form" method="post" action="\/login"/);
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

  test('the libraries are one bundle of @ably-chat-auth/client/session with the real ably and @ably/chat, built into dist/', () => {
    const asset = chatPageAssets.find((a) => a.path === '/assets/chat-session.js')!;
    expect(asset.file).toMatch(/examples[\\/]shared[\\/]dist[\\/]chat-session\.js$/);
    const bundle = readFileSync(asset.file, 'utf8');
    // esbuild's IIFE assigns the entry's exports to the global.
    expect(bundle).toMatch(/^"use strict";var AblyChatSession=/);
    expect(bundle).toContain('createChatSession');
    // One copy of ably-js (its version string), and @ably/chat's client.
    const ablyVersion = (JSON.parse(readFileSync(join(dirname(require.resolve('ably')), '..', 'package.json'), 'utf8')) as { version: string }).version;
    expect(bundle.split(`"${ablyVersion}"`).length - 1).toBe(1);
    expect(bundle).toContain('ChatClient');
  });

  test('the page script has no token or connection logic of its own: the session owns both, and the page never asks the route itself', () => {
    const script = readFileSync(chatPageAssets.find((a) => a.path === '/assets/chat-page.js')!.file, 'utf8');
    expect(script).toContain('AblyChatSession.createChatSession(ROUTES.token');
    expect(script).not.toMatch(/fetch\(ROUTES\.token/);
    expect(script).not.toMatch(/new Ably\.Realtime|new AblyChat\.ChatClient|authCallback:/);
    for (const call of ['chatSession.signedIn()', 'chatSession.signedOut()']) expect(script).toContain(call);
  });
});
