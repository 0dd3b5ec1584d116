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
  // Loaded by Node at run time, not bundled. rate-limiter-flexible: webpack cannot follow its optional
  // store drivers. The OpenTelemetry SDK (METRICS_PORT, instrumentation.ts): so the process holds one
  // copy of the API, the one Node also loads for Next.js's own tracing and for core's telemetry.
  serverExternalPackages: ['rate-limiter-flexible', 'ioredis', '@opentelemetry/api', '@opentelemetry/sdk-metrics', '@opentelemetry/exporter-prometheus'],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
