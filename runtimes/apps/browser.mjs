// Runs in Chromium: core's root entry, bundled for the browser platform, signs a token in the page.
import { createTokenIssuer } from '@ably-chat-auth/core';

const params = new URLSearchParams(location.search);
createTokenIssuer({ apiKey: params.get('key') })
  .issue({ clientId: 'alice', grants: { lobby: 'all' } })
  .then(
    (issued) => (window.result = { token: issued.token }),
    (error) => (window.result = { error: String(error && error.stack ? error.stack : error) }),
  );
