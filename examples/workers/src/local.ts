/*
 * Runs the Worker on this machine in workerd, the runtime Cloudflare runs Workers on, through
 * miniflare's API: what `wrangler dev` does, without wrangler, which needs Node 22 (this
 * repository supports Node 20). Node-only: the tests, the e2e suite and src/server.ts use it.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CHAT_PAGE_HEADERS, chatPageAssets, renderChatPage, type DemoConfig } from '@ably-chat-auth-examples/shared';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import type { ChatPage } from './app.js';

const EXAMPLE_DIR = join(__dirname, '..');
const REPO_ROOT = join(EXAMPLE_DIR, '..', '..');

/** The date the Worker's behaviour is pinned to; the same in wrangler.toml. */
export const COMPATIBILITY_DATE = '2025-09-01';

/** The framework name the page shows in its header badge. */
export const FRAMEWORK = 'Hono on Cloudflare Workers';

const ASSET_HEADERS = `/assets/*
  X-Content-Type-Options: nosniff
  Cache-Control: public, max-age=3600
`;

/** The Worker as the build made it. */
export interface BuiltWorker {
  /** The bundled Worker, an ES module (also written to `<outDir>/worker.js`). */
  script: string;
  /** The static assets folder: the page's script and stylesheet, and the chat-session bundle. */
  assetsDir: string;
}

/**
 * Bundles src/worker.ts for workerd with esbuild (platform neutral, the `workerd`/`worker`/`browser`
 * export conditions, no Node built-ins: the build fails if anything needs one) and lays out the
 * static assets, in `outDir`. The chat page is rendered here, in Node, with the shared kit, and
 * reaches the Worker through esbuild's `define`: the kit's page module reads the disk when it loads.
 *
 * @example const worker = await buildWorker(join(__dirname, '..', 'dist'));
 */
export async function buildWorker(outDir: string): Promise<BuiltWorker> {
  const assetsDir = join(outDir, 'assets');
  for (const asset of chatPageAssets) {
    const target = join(assetsDir, asset.path);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(asset.file, target);
  }
  // Headers of the assets, in the `_headers` file both Cloudflare and miniflare read: the browser
  // must not guess the scripts' types, and they may be cached for an hour. `_redirects` and
  // `.assetsignore` (nothing left out of the upload) are empty rather than absent: miniflare reads
  // all three and tells a missing file by an `instanceof Error` that fails inside Jest's sandbox.
  writeFileSync(join(assetsDir, '_headers'), ASSET_HEADERS);
  writeFileSync(join(assetsDir, '_redirects'), '');
  writeFileSync(join(assetsDir, '.assetsignore'), '');
  const page: ChatPage = { html: renderChatPage({ framework: FRAMEWORK }), headers: CHAT_PAGE_HEADERS };
  const result = await build({
    entryPoints: [join(EXAMPLE_DIR, 'src', 'worker.ts')],
    outfile: join(outDir, 'worker.js'),
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    // The workspace packages from their sources (the root tsconfig's paths), as the tests use them.
    tsconfig: join(REPO_ROOT, 'tsconfig.json'),
    define: { CHAT_PAGE: JSON.stringify(page) },
    minify: false,
    legalComments: 'none',
    logLevel: 'silent',
    write: true,
    metafile: false,
  });
  if (result.errors.length) throw new Error(`The Worker's build failed: ${result.errors.map((error) => error.text).join('; ')}`);
  return { script: readFileSync(join(outDir, 'worker.js'), 'utf8'), assetsDir };
}

/** A Worker served by workerd on a loopback port. */
export interface LocalWorker {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  baseUrl: string;
  /** Stops workerd. */
  close: () => Promise<void>;
}

/**
 * Serves `worker` in workerd on 127.0.0.1:`port` (0: a free one) with the bindings wrangler.toml
 * declares: the demo's variables and secrets from `config`, the KV namespace `SESSIONS` (in
 * memory), the Rate Limiting bindings `LOGIN_LIMIT` and `TOKEN_LIMIT` at the config's per-minute
 * limits, and the static assets.
 *
 * @example const { baseUrl, close } = await startWorker(await buildWorker(outDir), createDemoConfig({ port: 0 }));
 */
export async function startWorker(worker: BuiltWorker, config: DemoConfig, port = config.port): Promise<LocalWorker> {
  const mf = new Miniflare({
    modules: true,
    script: worker.script,
    compatibilityDate: COMPATIBILITY_DATE,
    bindings: {
      // Unset: the Worker signs with the shared kit's embedded development key, as the other examples do.
      ...(config.usingDevKey ? {} : { ABLY_API_KEY: config.apiKey }),
      SESSION_SECRET: config.sessionSecret,
      TRUST_PROXY_HOPS: String(config.trustProxyHops),
    },
    kvNamespaces: ['SESSIONS'],
    ratelimits: {
      LOGIN_LIMIT: { namespace_id: '1001', simple: { limit: config.loginRateLimitPerMinute, period: 60 } },
      TOKEN_LIMIT: { namespace_id: '1002', simple: { limit: config.tokenRateLimitPerMinute, period: 60 } },
    },
    assets: { directory: worker.assetsDir, binding: 'ASSETS', routerConfig: { has_user_worker: true } },
    host: '127.0.0.1',
    port,
  });
  let url: URL;
  try {
    url = await mf.ready;
  } catch (error) {
    await mf.dispose().catch(() => {});
    throw error;
  }
  return { baseUrl: url.origin, close: () => mf.dispose() };
}
