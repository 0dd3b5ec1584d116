// The <script>-tag build: defines `AblyChatAuth` without the module boilerplate an IIFE of
// index.ts would carry (bytes count in a browser).
import { createAuthCallback } from './auth-callback.js';

(globalThis as { AblyChatAuth?: unknown }).AblyChatAuth = { createAuthCallback };
