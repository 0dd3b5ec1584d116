import type { NextConfig } from 'next';

const config: NextConfig = {
  // The shared demo kit is TypeScript source; Next compiles it with the app.
  transpilePackages: ['@ably-chat-auth-examples/shared'],
  // tsconfig.json maps the workspace packages to their sources for the type checker and ESLint;
  // the build reads their dist, as an app that installed them would (run `pnpm build` first).
  typescript: { tsconfigPath: 'tsconfig.build.json' },
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
