/* The Worker's entry point: what `wrangler deploy` and the local runner (src/local.ts) bundle. */
import { DemoConfigError, loadDemoConfig, type DemoConfig } from '@ably-chat-auth-examples/shared/src/config';
import type { Hono } from 'hono';
import { createApp, type ChatPage, type WorkersExampleEnv } from './app.js';
import type { WorkerEnv } from './bindings.js';

/** The chat page, rendered by the build with the shared kit (src/build.ts and src/local.ts put it here through esbuild's `define`). */
declare const CHAT_PAGE: ChatPage;

/**
 * The demo config from the Worker's variables and secrets, with the other examples' defaults and
 * checks (`loadDemoConfig`: the embedded dev key without ABLY_API_KEY, a clear error for a
 * malformed one that never shows the value). SESSION_SECRET is required: a random secret per
 * isolate would make each isolate refuse the others' cookies.
 *
 * @throws DemoConfigError naming the variable.
 */
export function workerConfig(env: WorkerEnv): DemoConfig {
  if (!env.SESSION_SECRET?.trim()) {
    throw new DemoConfigError(
      'SESSION_SECRET',
      'SESSION_SECRET is not set: every isolate of the Worker must sign session cookies with the same secret. ' +
        'Set it with `wrangler secret put SESSION_SECRET` (a long random value, for example the output of `openssl rand -base64 32`).',
    );
  }
  const { ABLY_API_KEY, SESSION_SECRET, TRUST_PROXY_HOPS } = env;
  return loadDemoConfig({ ABLY_API_KEY, SESSION_SECRET, TRUST_PROXY_HOPS });
}

// One app per isolate, made on the first request: a Worker's env is known only then.
let app: Hono<WorkersExampleEnv> | undefined;
let configError: DemoConfigError | undefined;

export default {
  fetch(request: Request, env: WorkerEnv, ctx: unknown): Response | Promise<Response> {
    if (!app && !configError) {
      try {
        app = createApp(workerConfig(env), { page: CHAT_PAGE });
      } catch (error) {
        if (!(error instanceof DemoConfigError)) throw error;
        configError = error;
      }
    }
    if (configError) {
      // The message names the variable, never a value; the visitor learns only that it is logged.
      console.error(`Configuration error: ${configError.message}`);
      return Response.json({ error: 'The server is misconfigured; it has logged the cause.' }, { status: 500 });
    }
    return app!.fetch(request, env, ctx as never);
  },
};
