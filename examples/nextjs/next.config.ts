import type { NextConfig } from 'next';

const config: NextConfig = {
  // The shared demo kit is TypeScript source; Next compiles it with the app.
  transpilePackages: ['@ably-chat-auth-examples/shared'],
  // tsconfig.json maps the workspace packages to their sources for the type checker and ESLint;
  // the build reads their dist, as an app that installed them would (run `pnpm build` first).
  typescript: { tsconfigPath: 'tsconfig.build.json' },
  // The shared kit imports its own TypeScript files as `./file.js` (Node's ESM spelling); webpack
  // must look for the `.ts` file first.
  webpack: (webpackConfig: { resolve: { extensionAlias?: Record<string, string[]> } }) => {
    webpackConfig.resolve.extensionAlias = { ...webpackConfig.resolve.extensionAlias, '.js': ['.ts', '.js'] };
    return webpackConfig;
  },
  // Loaded by Node at run time, not bundled: webpack cannot follow rate-limiter-flexible's optional store drivers.
  serverExternalPackages: ['rate-limiter-flexible', 'ioredis'],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
