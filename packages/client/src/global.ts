// The <script>-tag build: defines `AblyChatAuth` without the module boilerplate an IIFE of
// index.ts would carry (bytes count in a browser).
import { createAuthCallback } from './auth-callback.js';

(globalThis as { AblyChatAuth?: unknown }).AblyChatAuth = { createAuthCallback };

// An ES module marker: without it esbuild reads this file as CommonJS (the package's "type") and
// wraps every module of the bundle in lazy-init helpers, about 90 bytes gzipped.
export {};
