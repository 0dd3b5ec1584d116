/* The `pnpm start` demo until the Express example lands: issues a token for a demo user on an
 * embedded development key and prints it decoded, room by room. */
import { createTokenRoute, decodeAblyToken, room } from '../src/index';

// A syntactically valid key that Ably will reject: enough to see what the library produces.
const DEV_KEY = 'devApp.devKey:ZGV2LXNlY3JldC1ub3QtYS1yZWFsLWFibHkta2V5';

async function main(): Promise<void> {
  const apiKey = process.env.ABLY_API_KEY ?? DEV_KEY;
  const route = createTokenRoute<{ id: string; role: 'member' | 'admin' }, { user?: { id: string; role: 'member' | 'admin' } }>({
    apiKey,
    resolveUser: (req) => req.user,
    policy: (user) => ({
      lobby: 'all',
      announcements: user.role === 'admin' ? 'moderator' : ['receive', 'history', 'occupancy'],
      [room`dms:${user.id}:*`]: ['send', 'receive', 'history', 'typing', 'presence'],
    }),
  });
  const response = await route.handle({ method: 'GET', native: { user: { id: 'alice', role: 'member' } } });
  const decoded = decodeAblyToken(response.body);
  console.log(`HTTP ${response.status} ${response.headers['Content-Type']}`);
  console.log(`token (${response.body.length} bytes): ${response.body}\n`);
  console.log(`clientId ${decoded.clientId}, key ${decoded.keyName}, expires ${new Date(decoded.expiresAt!).toISOString()}`);
  for (const [pattern, explanation] of Object.entries(decoded.rooms)) {
    console.log(`  ${pattern.padEnd(16)} ${explanation.features.join(', ')}`);
  }
  const refused = await route.handle({ method: 'GET', native: {} });
  console.log(`\nWithout a user: HTTP ${refused.status} ${refused.body}`);
  if (!process.env.ABLY_API_KEY) console.log('\n(Signed with an embedded development key: Ably will reject it. Set ABLY_API_KEY to issue real tokens.)');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
