import { inspect } from 'node:util';
import {
  createTokenIssuer,
  decodeAblyToken,
  verifyAblyToken,
  compileGrants,
  isAblyChatAuthError,
  MAX_TOKEN_BYTES,
  type AblyChatAuthErrorCode,
} from '../src/index';
import { TEST_KEY, TEST_KEY_NAME, TEST_SECRET, verifyWithJose } from './helpers';

function codeOf(fn: () => unknown): AblyChatAuthErrorCode | undefined {
  try {
    fn();
  } catch (error) {
    if (isAblyChatAuthError(error)) return error.code;
    throw error;
  }
  return undefined;
}

async function rejectionCode(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return isAblyChatAuthError(error) ? error.code : `not ours: ${String(error)}`;
  }
  return undefined;
}

describe('createTokenIssuer', () => {
  const issuer = createTokenIssuer({ apiKey: TEST_KEY });

  it('signs an HS256 JWT that jose verifies, with kid, iat, exp and the x-ably claims', async () => {
    const before = Math.floor(Date.now() / 1000);
    const issued = await issuer.issue({ clientId: 'alice', grants: { lobby: 'all', 'dms:alice:*': ['send', 'receive'] } });
    const { payload, header } = await verifyWithJose(issued.token);
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT', kid: TEST_KEY_NAME });
    expect(payload['x-ably-clientId']).toBe('alice');
    expect(typeof payload['x-ably-capability']).toBe('string');
    expect(JSON.parse(payload['x-ably-capability'] as string)).toEqual(issued.capability);
    expect(payload.iat).toBe(issued.issuedAt / 1000);
    expect(payload.exp).toBe(issued.expiresAt / 1000);
    // Default TTL 1 h from the back-dated iat; default clock skew 30 s.
    expect((payload.exp as number) - (payload.iat as number)).toBe(3600);
    expect(before - (payload.iat as number)).toBeGreaterThanOrEqual(29);
    expect(before - (payload.iat as number)).toBeLessThanOrEqual(31);
    expect(payload['x-ably-revocation-key']).toBeUndefined();
  });

  it('accepts the TTL as seconds or as a string, and a per-token TTL', async () => {
    const a = await createTokenIssuer({ apiKey: TEST_KEY, ttl: '15m' }).issue({ clientId: 'a', grants: { r: 'send' } });
    expect((a.expiresAt - a.issuedAt) / 1000).toBe(900);
    const b = await createTokenIssuer({ apiKey: TEST_KEY, ttl: 120 }).issue({ clientId: 'a', grants: { r: 'send' }, ttl: '90s' });
    expect((b.expiresAt - b.issuedAt) / 1000).toBe(90);
  });

  it.each([
    [{ ttl: '25h' }, 'ERR_INVALID_TTL'],
    [{ ttl: 0 }, 'ERR_INVALID_TTL'],
    [{ ttl: 'soon' }, 'ERR_INVALID_TTL'],
    [{ ttl: '2h', revocableTokens: true }, 'ERR_INVALID_TTL'],
    [{ clockSkew: '10m' }, 'ERR_INVALID_CLOCK_SKEW'],
    [{ maxTokenBytes: 100000 }, 'ERR_INVALID_OPTIONS'],
    [{ revocableTokens: 'yes' }, 'ERR_INVALID_OPTIONS'],
    [{ apiKey: 'nope' }, 'ERR_INVALID_API_KEY'],
  ])('fails at creation for %j with %s', (options, code) => {
    expect(codeOf(() => createTokenIssuer({ apiKey: TEST_KEY, ...(options as object) }))).toBe(code);
  });

  it('explains the TTL bounds', () => {
    expect(() => createTokenIssuer({ apiKey: TEST_KEY, ttl: '25h' })).toThrow(/between 10 s and 24h \(86400 s\); got 25h/);
    expect(() => createTokenIssuer({ apiKey: TEST_KEY, ttl: '2h', revocableTokens: true })).toThrow(/revocable tokens at 1 hour/);
    expect(createTokenIssuer({ apiKey: TEST_KEY, ttl: '24h' }).options.ttlSeconds).toBe(86400);
  });

  it.each([
    ['', 'ERR_INVALID_CLIENT_ID'],
    ['*', 'ERR_WILDCARD_CLIENT_ID'],
    ['x'.repeat(257), 'ERR_INVALID_CLIENT_ID'],
    ['bad\u0000id', 'ERR_INVALID_CLIENT_ID'],
    [42, 'ERR_INVALID_CLIENT_ID'],
  ])('refuses the clientId %j', async (clientId, code) => {
    expect(await rejectionCode(issuer.issue({ clientId: clientId as string, grants: { r: 'send' } }))).toBe(code);
  });

  it('allows the wildcard clientId only when asked', async () => {
    const issued = await createTokenIssuer({ apiKey: TEST_KEY, allowWildcardClientId: true }).issue({ clientId: '*', grants: { r: 'send' } });
    expect((await verifyWithJose(issued.token)).payload['x-ably-clientId']).toBe('*');
  });

  it('sets the revocation key and extra claims, refusing reserved names', async () => {
    const issued = await issuer.issue({ clientId: 'a', grants: { r: 'send' }, revocationKey: 'team-7', claims: { team: 'seven' } });
    const { payload } = await verifyWithJose(issued.token);
    expect(payload['x-ably-revocation-key']).toBe('team-7');
    expect(payload.team).toBe('seven');
    expect(await rejectionCode(issuer.issue({ clientId: 'a', grants: { r: 'send' }, claims: { 'ably.room.lobby': '{"role":"host"}' } }))).toBe(
      'ERR_RESERVED_CLAIM',
    );
    expect(await rejectionCode(issuer.issue({ clientId: 'a', grants: { r: 'send' }, claims: { 'x-ably-capability': '{}' } }))).toBe('ERR_RESERVED_CLAIM');
    expect(await rejectionCode(issuer.issue({ clientId: 'a', grants: { r: 'send' }, claims: { 'X-Ably-ClientId': 'eve' } }))).toBe('ERR_RESERVED_CLAIM');
    expect(await rejectionCode(issuer.issue({ clientId: 'a', grants: { r: 'send' }, claims: { exp: 1 } }))).toBe('ERR_RESERVED_CLAIM');
    expect(await rejectionCode(issuer.issue({ clientId: 'a', grants: { r: 'send' }, revocationKey: '' }))).toBe('ERR_INVALID_REVOCATION_KEY');
  });

  it('refuses grants that give nothing', async () => {
    expect(await rejectionCode(issuer.issue({ clientId: 'a', grants: {} }))).toBe('ERR_INVALID_GRANTS');
  });

  it('accepts precompiled grants', async () => {
    const compiled = compileGrants({ lobby: 'all' })!;
    const issued = await issuer.issue({ clientId: 'a', grants: compiled });
    expect(issued.capabilityJson).toBe(compiled.json);
  });

  it('refuses a token over 8 KiB, naming the grants that made it large', async () => {
    const grants: Record<string, 'all'> = {};
    for (let i = 0; i < 120; i++) grants[`room-number-${i}-with-a-long-descriptive-name`] = 'all';
    let caught: unknown;
    try {
      await issuer.issue({ clientId: 'a', grants });
    } catch (error) {
      caught = error;
    }
    expect(isAblyChatAuthError(caught, 'ERR_TOKEN_TOO_LARGE')).toBe(true);
    expect((caught as Error).message).toMatch(new RegExp(`limit is ${MAX_TOKEN_BYTES}`));
    expect((caught as Error).message).toMatch(/120 room pattern\(s\); the largest: 'room-number-/);
    expect((caught as Error).message).toMatch(/'ns:\*'/);
  });

  it('signs with the key a provider returns, so rotation takes effect on the next token', async () => {
    let key = TEST_KEY;
    const rotating = createTokenIssuer({ apiKey: () => Promise.resolve(key) });
    const first = await rotating.issue({ clientId: 'a', grants: { r: 'send' } });
    key = 'appTest.newKey:bmV3LXNlY3JldC12YWx1ZQ';
    const second = await rotating.issue({ clientId: 'a', grants: { r: 'send' } });
    expect(decodeAblyToken(first.token).keyName).toBe(TEST_KEY_NAME);
    expect(decodeAblyToken(second.token).keyName).toBe('appTest.newKey');
    await verifyWithJose(second.token, 'bmV3LXNlY3JldC12YWx1ZQ');
    expect(rotating.keyName).toBeUndefined();
  });

  it('does not show the secret through inspect or JSON', () => {
    expect(inspect(issuer)).not.toContain(TEST_SECRET);
    expect(JSON.stringify(issuer)).not.toContain(TEST_SECRET);
    expect(JSON.stringify(issuer)).toContain(TEST_KEY_NAME);
  });
});

describe('decodeAblyToken / verifyAblyToken', () => {
  it('round-trips what the issuer wrote', async () => {
    const issued = await createTokenIssuer({ apiKey: TEST_KEY }).issue({ clientId: 'bob', grants: { lobby: ['send', 'receive'] }, revocationKey: 'rk' });
    const decoded = await verifyAblyToken(issued.token, TEST_KEY);
    expect(decoded).toMatchObject({
      clientId: 'bob',
      keyName: TEST_KEY_NAME,
      algorithm: 'HS256',
      revocationKey: 'rk',
      issuedAt: issued.issuedAt,
      expiresAt: issued.expiresAt,
    });
    expect(decoded.rooms.lobby!.features).toEqual(['send', 'receive', 'typing', 'room-reactions']);
  });

  it('rejects a forged or foreign token', async () => {
    const issued = await createTokenIssuer({ apiKey: TEST_KEY }).issue({ clientId: 'bob', grants: { lobby: 'send' } });
    await expect(verifyAblyToken(issued.token, `${TEST_KEY_NAME}:b3RoZXItc2VjcmV0`)).rejects.toThrow(/does not verify: invalid signature/);
    await expect(verifyAblyToken(issued.token, 'other.key:c2VjcmV0')).rejects.toThrow(/signed by key 'appTest.keyTest', not by 'other.key'/);
    expect(() => decodeAblyToken('not-a-jwt')).toThrow(/Not a JWT/);
    expect(() => decodeAblyToken('a.b.c')).toThrow(/could not be decoded/);
  });
});
