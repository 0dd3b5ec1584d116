import { DemoConfigError, loadDemoConfig, type DemoConfig } from './demo';

/** iron-session seals cookies with this secret and refuses a shorter one. */
export const MIN_SESSION_SECRET_LENGTH = 32;

const CONFIG_KEY = Symbol.for('ably-chat-auth-examples.nextjs.config');

/**
 * The demo config (`PORT`, `ABLY_API_KEY`, `SESSION_SECRET`, ...) read once per server process.
 * It is kept on `globalThis` because each route handler is its own bundle entry: without one
 * shared copy, the login route and the token route could each draw their own random dev session
 * secret when `SESSION_SECRET` is unset, and no session would ever be read back.
 *
 * @throws DemoConfigError naming the variable (the API key's value never appears in the message).
 * @example const { apiKey } = demoConfig();
 */
export function demoConfig(): DemoConfig {
  const store = globalThis as typeof globalThis & { [CONFIG_KEY]?: DemoConfig };
  return (store[CONFIG_KEY] ??= checkSessionSecret(loadDemoConfig(process.env)));
}

/**
 * The config, if its session secret is long enough for iron-session.
 * @throws DemoConfigError for `SESSION_SECRET`, giving its length, never its value.
 * @example checkSessionSecret(createDemoConfig({ sessionSecret: process.env.SESSION_SECRET }))
 */
export function checkSessionSecret(config: DemoConfig): DemoConfig {
  if (config.sessionSecret.length < MIN_SESSION_SECRET_LENGTH) {
    throw new DemoConfigError(
      'SESSION_SECRET',
      `SESSION_SECRET must be at least ${MIN_SESSION_SECRET_LENGTH} characters (iron-session seals the session cookie with it); it has ${config.sessionSecret.length}. Generate one with: openssl rand -base64 32`,
    );
  }
  return config;
}
