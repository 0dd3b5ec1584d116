/* compileGrants memoises each room's JSON piece per (pattern, operation set), and the issuer
 * builds the x-ably-capability claim from those pieces: the memo must never hand one grant's
 * piece to another, and the claim must be exactly JSON.stringify of the capability JSON. */
import { compileGrants, createTokenIssuer, decodeAblyToken, type ChatGrants } from '../src/index';
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
