import node from '@astrojs/node';
import { defineConfig } from 'astro/config';

export default defineConfig({
  adapter: node({ mode: 'standalone' }),
  // The host the app is served on: Astro then trusts the Host header for the request URL, so its
  // same-origin check passes a same-origin POST (else the URL is http://localhost, and it refuses).
  security: { allowedDomains: [{ hostname: '127.0.0.1', protocol: 'http' }] },
});
