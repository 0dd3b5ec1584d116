import { describe, expect, test } from '@jest/globals';
import { sealData } from 'iron-session';
import { CHAT_FEATURES, decodeAblyToken, explainCapability } from '@ably-chat-auth/core';
import { SESSION_SECRET } from './demo-env';
import { GET } from '../app/api/ably-token/route';
import { featuresOf, readToken } from '../lib/token-panel';

/** A token the route answers for `username`. */
async function tokenFor(username: string): Promise<string> {
  const seal = await sealData({ user: { username } }, { password: SESSION_SECRET, ttl: 60 });
  const response = await GET(new Request('http://127.0.0.1/api/ably-token', { headers: { Cookie: `chat.session=${seal}` } }));
  expect(response.status).toBe(200);
  return response.text();
}

describe('lib/token-panel.ts (what the page shows about its token)', () => {
  test.each(['alice', 'admin'])("%s: the rooms and features the panel shows are core's reading of the same token", async (username) => {
    const jwt = await tokenFor(username);
    const view = readToken(jwt, CHAT_FEATURES);
    const decoded = decodeAblyToken(jwt);
    expect(view.clientId).toBe(username);
    expect(view.keyName).toBe('nextApp.nextKey');
    expect(view.expiresAt).toBe(decoded.expiresAt);
    const expected = explainCapability(decoded.capability);
    expect(view.rooms.map((r) => r.room)).toEqual(Object.keys(expected).sort());
    for (const row of view.rooms) expect(row.features).toEqual(expected[row.room]!.features);
  });

  test('what others see: the display name, and for admin the moderator role in announcements', async () => {
    const seen = (username: string) => tokenFor(username).then((jwt) => readToken(jwt, CHAT_FEATURES).rooms.map((r) => [r.room, r.seen]));
    await expect(seen('alice')).resolves.toEqual([
      ['announcements', 'Alice'],
      ['dms:alice:*', 'Alice'],
      ['lobby', 'Alice'],
    ]);
    await expect(seen('admin')).resolves.toEqual([
      ['announcements', 'Admin \u00b7 moderator'],
      ['dms:admin:*', 'Admin'],
      ['lobby', 'Admin'],
    ]);
  });

  test("'*' enables every feature; an operation list that completes none enables nothing", () => {
    expect(featuresOf(['*'], CHAT_FEATURES)).toEqual(Object.keys(CHAT_FEATURES));
    expect(featuresOf(['history'], CHAT_FEATURES)).toEqual([]);
  });

  test('text that is not a JWT is refused', () => {
    expect(() => readToken('not-a-token', CHAT_FEATURES)).toThrow('The token route did not answer with a JWT.');
  });
});
