import fc from 'fast-check';
import { compileGrants, createTokenIssuer, decodeAblyToken, explainCapability, explainDecision, parseCapability, verifyAblyToken } from '../src/index';
import { TEST_KEY, verifyWithJose } from './helpers';

// Names an ordinary object already "has" through Object.prototype: as room or claim names they
// must be ordinary keys, neither lost (`__proto__`) nor found where nothing was granted.
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf'];
const nameArb = fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), fc.constantFrom('lobby', 'dms:*', 'team:*:general', '*'));

describe('room names that are Object.prototype properties', () => {
  const issuer = createTokenIssuer({ apiKey: TEST_KEY });

  it('property: every granted room appears, with its operations, everywhere a capability is read', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(nameArb, { minLength: 1, maxLength: 5 }), async (names) => {
        const grants: Record<string, 'send'> = {};
        for (const name of names) Object.defineProperty(grants, name, { value: 'send', enumerable: true });
        const expected = [...names].sort();
        const compiled = compileGrants(grants)!;
        expect(compiled.rooms).toEqual(expected);
        expect(Object.keys(compiled.capability).sort()).toEqual(expected);
        for (const name of names) expect(Object.getOwnPropertyDescriptor(compiled.capability, name)?.value).toEqual(['publish']);

        const issued = await issuer.issue({ clientId: 'alice', grants });
        expect(Object.keys(issued.capability).sort()).toEqual(expected);
        const decoded = decodeAblyToken(issued.token);
        const verified = await verifyAblyToken(issued.token, TEST_KEY);
        for (const view of [decoded.capability, verified.capability, parseCapability(issued.capabilityJson)]) {
          expect(Object.keys(view).sort()).toEqual(expected);
          for (const name of names) expect(Object.getOwnPropertyDescriptor(view, name)?.value).toEqual(['publish']);
        }
        for (const view of [decoded.rooms, explainCapability(issued.capabilityJson)]) {
          expect(Object.keys(view).sort()).toEqual(expected);
          for (const name of names)
            expect((Object.getOwnPropertyDescriptor(view, name)?.value as { features: string[] } | undefined)?.features).toEqual(['send']);
        }
        for (const name of names) expect(explainDecision(issued.capabilityJson, name, 'send').grantedBy.publish).toBeDefined();
      }),
      { numRuns: 200 },
    );
  });

  it('finds nothing under a prototype name that was not granted', async () => {
    const issued = await issuer.issue({ clientId: 'alice', grants: { lobby: 'send' } });
    const decoded = decodeAblyToken(issued.token);
    for (const name of PROTOTYPE_NAMES) {
      expect((issued.capability as Record<string, unknown>)[name]).toBeUndefined();
      expect((decoded.capability as Record<string, unknown>)[name]).toBeUndefined();
      expect((decoded.rooms as Record<string, unknown>)[name]).toBeUndefined();
      expect(decoded.claims[name]).toBeUndefined();
      expect((explainCapability(issued.capabilityJson) as Record<string, unknown>)[name]).toBeUndefined();
    }
  });

  it.each(PROTOTYPE_NAMES)('signs and decodes a claim named %s', async (name) => {
    const claims: Record<string, unknown> = {};
    Object.defineProperty(claims, name, { value: '{"x":1}', enumerable: true });
    const userClaims: Record<string, string> = {};
    Object.defineProperty(userClaims, name, { value: '{"y":2}', enumerable: true });
    const issued = await issuer.issue({ clientId: 'alice', grants: { lobby: 'send' }, claims, userClaims });
    const { payload } = await verifyWithJose(issued.token);
    expect(Object.getOwnPropertyDescriptor(payload, name)?.value).toBe('{"x":1}');
    const decoded = decodeAblyToken(issued.token);
    expect(Object.getOwnPropertyDescriptor(decoded.claims, name)?.value).toBe('{"x":1}');
    expect(Object.getOwnPropertyDescriptor(decoded.claims, `ably.room.${name}`)?.value).toBe('{"y":2}');
    expect(Object.getOwnPropertyDescriptor(decoded.userClaims, name)?.value).toBe('{"y":2}');
    expect(decoded.claims['x-ably-clientId']).toBe('alice');
  });
});
