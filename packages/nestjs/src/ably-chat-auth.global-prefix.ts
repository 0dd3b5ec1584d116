import type { ApplicationConfig } from '@nestjs/core';

const trimSlashes = (path: string): string => path.replace(/^\/+|\/+$/g, '');

/**
 * The warning for a token route path that repeats the app's global prefix (`path:
 * '/api/ably-token'` under `app.setGlobalPrefix('api')` is served at `/api/api/ably-token`, and
 * the documented URL answers 404), or undefined. A path excluded from the prefix is left alone.
 *
 * @example doubledPrefixWarning('/api/ably-token', config) // "... Pass path: 'ably-token' ..."
 */
export function doubledPrefixWarning(path: string, config: ApplicationConfig): string | undefined {
  const prefix = trimSlashes(config.getGlobalPrefix());
  const route = trimSlashes(path);
  if (prefix === '' || !(route === prefix || route.startsWith(`${prefix}/`))) return undefined;
  const excluded = (config.getGlobalPrefixOptions().exclude ?? []).some(({ pathRegex }) => pathRegex.test(`/${route}`));
  if (excluded) return undefined;
  const relative = trimSlashes(route.slice(prefix.length)) || 'ably-token';
  return (
    `AblyChatAuthModule: the token route's path '${path}' already starts with the app's global prefix '${prefix}', ` +
    `so the route is served at /${prefix}/${route}. Pass path: '${relative}' (the prefix is added to it) to serve /${prefix}/${relative}.`
  );
}
