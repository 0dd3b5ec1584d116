import { SignJWT } from 'jose';
import { createTokenIssuer } from '@ably-chat-auth/core';
import { patternCovers, validateAblyJwt } from '@ably-chat-auth/ably-stand-in';

// The stand-in is only as good as its checks: each refusal Ably documents, and Ably's wildcard rules.

const KEY_NAME = 'standIn.unit';
const SECRET = 'unit-test-secret-for-the-stand-in-only';
const now = () => Math.floor(Date.now() / 1000);

function sign(claims: Record<string, unknown>, header: { alg?: string; kid?: string } = {}, secret = SECRET): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: header.alg ?? 'HS256', kid: header.kid ?? KEY_NAME, typ: 'JWT' }).sign(new TextEncoder().encode(secret));
}

test("core's tokens are accepted with their clientId, capability and expiry", async () => {
  const issuer = createTokenIssuer({ apiKey: `${KEY_NAME}:${SECRET}`, ttl: '1h' });
  const { token } = await issuer.issue({ clientId: 'alice', grants: { lobby: ['receive'] } });
  await expect(validateAblyJwt(token, KEY_NAME, SECRET)).resolves.toMatchObject({ clientId: 'alice', capability: { lobby: ['subscribe'] } });
});

test.each([
  ['another key signed it', () => sign({ iat: now(), exp: now() + 60 }, {}, 'another-secret'), 40144],
  ['kid names another key', () => sign({ iat: now(), exp: now() + 60 }, { kid: 'other.key' }), 40101],
  ['it expired', () => sign({ iat: now() - 120, exp: now() - 60 }), 40142],
  ['no iat', () => sign({ exp: now() + 60 }), 40144],
  ['iat in the future', () => sign({ iat: now() + 600, exp: now() + 900 }), 40001],
  ['a TTL over 24 h', () => sign({ iat: now(), exp: now() + 25 * 3600 }), 40003],
  ['an empty capability', () => sign({ iat: now(), exp: now() + 60, 'x-ably-capability': '{}' }), 40160],
  ['not a JWT', () => Promise.resolve('opaque-token'), 40144],
])('refused when %s (%i)', async (_case, token, code) => {
  await expect(validateAblyJwt(await token(), KEY_NAME, SECRET)).resolves.toMatchObject({ error: { code } });
});

test.each([
  ['lobby', 'lobby::$chat', true],
  ['lobby', 'lobby2::$chat', false],
  ['dms:*', 'dms:a::$chat', true],
  ['dms:*', 'dms:a:b::$chat', true],
  ['dms:*', 'dms::$chat', false],
  ['foo:*:baz', 'foo:bar:baz', true],
  ['foo:*:baz', 'foo:bar:qux', false],
  ['foo*', 'foobar', false],
  ['foo*', 'foo*', true],
  ['*', 'anything:at:all', true],
  ['*', '[meta]log', false],
  ['[*]*', '[meta]log', true],
])('%s covers %s: %s', (pattern, channel, covers) => {
  expect(patternCovers(pattern, channel)).toBe(covers);
});
