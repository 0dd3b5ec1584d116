/* What the per-token fast paths must keep exact. compileGrants memoises each room's JSON piece per
 * (pattern, operation set) and the issuer builds the x-ably-capability claim from those pieces: the
 * memo must never hand one grant's piece to another, and the claim must be exactly JSON.stringify
 * of the capability JSON. The route's answers are written from literals and its handle() is not an
 * async function: headers and promise behaviour must stay as they were. */
import { compileGrants, createTokenIssuer, createTokenRoute, decodeAblyToken, type ChatGrants } from '../src/index';
import { NO_STORE_HEADERS } from '../src/responses';
import { TEST_KEY } from './helpers';

const canonical = (grants: Record<string, readonly string[]>) =>
  JSON.stringify(
    Object.fromEntries(
      Object.keys(grants)
        .sort()
        .map((room) => [room, [...grants[room]!].sort()]),
    ),
  );

describe('memoised capability pieces', () => {
  it('keep apart the same pattern granted different operations, in any order', () => {
    for (let i = 0; i < 3; i++) {
      expect(compileGrants({ lobby: 'receive' })!.json).toBe('{"lobby":["subscribe"]}');
      expect(compileGrants({ lobby: 'send' })!.json).toBe('{"lobby":["publish"]}');
      expect(compileGrants({ lobby: ['send', 'receive'], a: 'occupancy' })!.json).toBe(
        canonical({ lobby: ['publish', 'subscribe'], a: ['channel-metadata', 'subscribe'] }),
      );
    }
  });

  it('sort rooms as before (UTF-16 order, integer-like names included) and skip rooms granted nothing', () => {
    const compiled = compileGrants({ zeta: 'send', '10': 'send', '9': 'send', Alpha: 'send', 'é:*': 'send', empty: [], alpha: 'send' })!;
    expect(compiled.rooms).toEqual(['10', '9', 'Alpha', 'alpha', 'zeta', 'é:*']);
    // The JSON text itself (JSON.parse would put integer-like keys first again).
    expect([...compiled.json.matchAll(/"([^"]+)":\[/g)].map((m) => m[1])).toEqual(['10', '9', 'Alpha', 'alpha', 'zeta', 'é:*']);
  });

  it('give a claim that is JSON.stringify of the capability JSON, with quotes, backslashes and non-ASCII in room names', async () => {
    const issuer = createTokenIssuer({ apiKey: TEST_KEY });
    const grants: ChatGrants = { 'say "hi"': 'send', 'back\\slash:*': ['receive', 'history'], 'ünï:😀': 'all' };
    for (const given of [grants, compileGrants(grants)!]) {
      const issued = await issuer.issue({ clientId: 'alice', grants: given });
      const payloadText = Buffer.from(issued.token.split('.')[1]!, 'base64url').toString('utf8');
      expect(payloadText).toContain(`"x-ably-capability":${JSON.stringify(issued.capabilityJson)}`);
      expect(decodeAblyToken(issued.token).capability).toEqual(JSON.parse(issued.capabilityJson));
    }
  });

  it('leave the issued token a plain object whose capability is an own, enumerable property', async () => {
    const issued = await createTokenIssuer({ apiKey: TEST_KEY }).issue({ clientId: 'alice', grants: { lobby: 'send' }, revocationKey: 'team-1' });
    expect(Object.keys(issued)).toEqual(['token', 'clientId', 'keyName', 'capability', 'capabilityJson', 'rooms', 'issuedAt', 'expiresAt', 'revocationKey']);
    expect(Object.getOwnPropertyDescriptor(issued, 'capability')).toMatchObject({ enumerable: true });
    expect((JSON.parse(JSON.stringify(issued)) as { capability: unknown }).capability).toEqual({ lobby: ['publish'] });
  });
});

describe('the 200 answers', () => {
  it('carry every NO_STORE_HEADERS header, in a fresh object per answer', async () => {
    for (const responseFormat of ['jwt', 'token-details', 'token-request'] as const) {
      const route = createTokenRoute({ apiKey: TEST_KEY, resolveUser: () => ({ id: 'alice' }), policy: { lobby: 'send' }, responseFormat, logger: false });
      const first = await route.handle({ method: 'GET', native: {} });
      const second = await route.handle({ method: 'GET', native: {} });
      expect(first.status).toBe(200);
      expect(first.headers).toMatchObject(NO_STORE_HEADERS);
      expect(first.headers['Content-Type']).toBe(responseFormat === 'jwt' ? 'application/jwt' : 'application/json; charset=utf-8');
      expect(second.headers).not.toBe(first.headers);
    }
  });
});

describe('handle() without an async function around it', () => {
  it('rejects, never throws, when it cannot read the request', async () => {
    const route = createTokenRoute({ apiKey: TEST_KEY, resolveUser: () => ({ id: 'alice' }), policy: { lobby: 'send' }, logger: false });
    let answer: Promise<unknown> | undefined;
    expect(() => {
      answer = route.handle(undefined as unknown as Parameters<typeof route.handle>[0]);
    }).not.toThrow();
    await expect(answer).rejects.toThrow(TypeError);
  });

  it('answers an async resolver and one that rejects (500) as before', async () => {
    const ok = createTokenRoute({ apiKey: TEST_KEY, resolveUser: () => Promise.resolve({ id: 'alice' }), policy: { lobby: 'send' }, logger: false });
    expect((await ok.handle({ method: 'POST', native: {} })).status).toBe(200);
    const failing = createTokenRoute({
      apiKey: TEST_KEY,
      resolveUser: () => Promise.reject(new Error('session store down')),
      policy: { lobby: 'send' },
      logger: false,
    });
    expect((await failing.handle({ method: 'GET', native: {} })).status).toBe(500);
    const throwing = createTokenRoute({
      apiKey: TEST_KEY,
      resolveUser: () => {
        throw new Error('bad cookie');
      },
      policy: { lobby: 'send' },
      logger: false,
    });
    expect((await throwing.handle({ method: 'GET', native: {} })).status).toBe(500);
  });
});
