import { expect } from '@jest/globals';
import fc from 'fast-check';
import { assertPlainJson, createTokenIssuer, isAblyChatAuthError, type AblyChatAuthErrorCode } from '../src/index';
import { TEST_KEY, verifyWithJose } from './helpers';

function failure(fn: () => unknown): { code: AblyChatAuthErrorCode; message: string; path: unknown } | undefined {
  try {
    fn();
  } catch (error) {
    if (!isAblyChatAuthError(error)) throw error;
    return { code: error.code, message: error.message, path: error.details?.path };
  }
  return undefined;
}

class Profile {
  constructor(readonly name: string) {}
}

// Each bad value, and what the path to it gains (a toJSON method or a getter is named itself).
const BAD: Array<[label: string, make: () => unknown, suffix: string, message: RegExp]> = [
  ['an own toJSON', () => ({ name: 'a', toJSON: () => ({}) }), '.toJSON', /toJSON/],
  ['a non-enumerable toJSON', () => Object.defineProperty({}, 'toJSON', { value: () => 1 }), '.toJSON', /toJSON/],
  ['a class instance', () => new Profile('a'), '', /instance of Profile/],
  ['a Date', () => new Date(0), '', /a Date.*toISOString/],
  ['a Map', () => new Map([['a', 1]]), '', /a Map/],
  ['a Set', () => new Set([1]), '', /a Set/],
  ['a RegExp', () => /x/, '', /RegExp/],
  ['a Uint8Array', () => new Uint8Array(2), '', /Uint8Array/],
  ['an Error', () => new Error('x'), '', /Error/],
  ['a Promise', () => Promise.resolve(1), '', /Promise/],
  ['a Proxy', () => new Proxy({}, {}), '', /Proxy/],
  ['a function', () => () => 1, '', /a function/],
  ['a symbol', () => Symbol('x'), '', /a symbol/],
  ['a bigint', () => 10n, '', /a bigint/],
  ['undefined', () => undefined, '', /undefined/],
  ['NaN', () => NaN, '', /NaN/],
  ['Infinity', () => Infinity, '', /Infinity/],
  ['-Infinity', () => -Infinity, '', /Infinity/],
  [
    'a getter',
    () => ({
      get live() {
        return 1;
      },
    }),
    '.live',
    /getter/,
  ],
  ['a symbol-keyed property', () => ({ [Symbol('k')]: 1 }), '', /symbol/],
  ['an array hole', () => [1, , 3], '[1]', /hole/], // eslint-disable-line no-sparse-arrays
  ['an array with a named property', () => Object.assign([1], { extra: 2 }), '.extra', /not an index/],
];

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const render = (segment: string | number) =>
  typeof segment === 'number' ? `[${segment}]` : IDENTIFIER.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;

describe('assertPlainJson', () => {
  it('property: accepts every JSON value, and what it accepts survives a JSON round trip', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(failure(() => assertPlainJson(value, 'claims'))).toBeUndefined();
        const json = JSON.stringify(value);
        expect(JSON.stringify(JSON.parse(json))).toBe(json);
      }),
      { numRuns: 1000 },
    );
  });

  it('accepts prototype-less objects, shared (acyclic) references and keys named like Object.prototype', () => {
    const shared = { a: 1 };
    const keys = JSON.parse('{"__proto__":1,"constructor":2,"toString":[3]}') as unknown;
    expect(
      failure(() => assertPlainJson({ x: shared, y: [shared, shared], z: Object.assign(Object.create(null) as object, { k: 'v' }), keys }, 'claims')),
    ).toBeUndefined();
  });

  it.each(BAD)('refuses %s, naming its path', (_label, make, suffix, message) => {
    const result = failure(() => assertPlainJson({ profile: { list: [0, make()] } }, 'claims'));
    expect(result).toMatchObject({ code: 'ERR_INVALID_CLAIMS', path: `claims.profile.list[1]${suffix}` });
    expect(result!.message.startsWith(`claims.profile.list[1]${suffix} `)).toBe(true);
    expect(result!.message).toMatch(message);
  });

  it('refuses a cycle, naming where it closes', () => {
    const a: Record<string, unknown> = { b: { c: [] as unknown[] } };
    ((a.b as Record<string, unknown>).c as unknown[]).push(a);
    expect(failure(() => assertPlainJson(a, 'claims'))).toMatchObject({ code: 'ERR_INVALID_CLAIMS', path: 'claims.b.c[0]' });
    expect(failure(() => assertPlainJson(a, 'claims'))!.message).toMatch(/cycle.*refers back to claims\b/);
  });

  it('refuses nesting deeper than it can check, without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(failure(() => assertPlainJson(deep, 'claims'))).toMatchObject({ code: 'ERR_INVALID_CLAIMS' });
    expect(failure(() => assertPlainJson(deep, 'claims'))!.message).toMatch(/nested deeper than/);
  });

  it('uses the code it is given', () => {
    expect(failure(() => assertPlainJson({ a: NaN }, 'userClaim', 'ERR_INVALID_OPTIONS'))).toMatchObject({ code: 'ERR_INVALID_OPTIONS', path: 'userClaim.a' });
  });

  it('property: a bad value anywhere in JSON data is refused with its exact path', () => {
    const key = fc.oneof(fc.constantFrom('a', 'profile', '__proto__', 'constructor', 'ably.room.lobby', 'with space', ''), fc.string({ maxLength: 6 }));
    const segment = fc.oneof(key, fc.nat({ max: 3 }));
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 5 }), fc.constantFrom(...BAD), fc.jsonValue({ maxDepth: 1 }), (path, [, make, suffix], sibling) => {
        let node: unknown = make();
        for (const seg of [...path].reverse()) {
          if (typeof seg === 'number') {
            node = [...Array.from({ length: seg }, () => sibling), node];
          } else {
            const container: Record<string, unknown> = { 'sibling-key': sibling };
            Object.defineProperty(container, seg, { value: node, enumerable: true, writable: true, configurable: true });
            node = container;
          }
        }
        const expected = `claims${path.map(render).join('')}${suffix}`;
        expect(failure(() => assertPlainJson(node, 'claims'))).toMatchObject({ code: 'ERR_INVALID_CLAIMS', path: expected });
      }),
      { numRuns: 1000 },
    );
  });
});

describe('extra claims are plain data', () => {
  const issuer = createTokenIssuer({ apiKey: TEST_KEY });

  it('refuses a toJSON that would replace the whole payload, clientId and capability included', async () => {
    const claims = { toJSON: () => ({ 'x-ably-clientId': 'admin', 'x-ably-capability': '{"*":["*"]}', exp: 9_999_999_999 }) };
    await expect(issuer.issue({ clientId: 'mallory', grants: { lobby: 'receive' }, claims })).rejects.toMatchObject({
      code: 'ERR_INVALID_CLAIMS',
      message: expect.stringMatching(/^claims\.toJSON /),
    });
  });

  it('refuses a nested toJSON, a Date and a class instance, naming the path', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ profile: { toJSON: () => 'x' } }, 'claims.profile.toJSON'],
      [{ 'ably.room.lobby': new Date() }, 'claims["ably.room.lobby"]'],
      [{ profile: new Profile('alice') }, 'claims.profile'],
      [{ profile: { score: NaN } }, 'claims.profile.score'],
    ];
    for (const [claims, path] of cases) {
      await expect(issuer.issue({ clientId: 'alice', grants: { lobby: 'receive' }, claims })).rejects.toMatchObject({
        code: 'ERR_INVALID_CLAIMS',
        details: { path },
      });
    }
    await expect(issuer.issue({ clientId: 'alice', grants: { lobby: 'receive' }, claims: new Profile('x') as never })).rejects.toMatchObject({
      code: 'ERR_INVALID_CLAIMS',
      details: { path: 'claims' },
    });
  });

  it('still signs plain nested data', async () => {
    const issued = await issuer.issue({
      clientId: 'alice',
      grants: { lobby: 'receive' },
      claims: { 'ably-room': '{"role":"host"}', profile: { tags: ['a', 1, true, null] } },
    });
    const { payload } = await verifyWithJose(issued.token);
    expect(payload.profile).toEqual({ tags: ['a', 1, true, null] });
    expect(payload['x-ably-clientId']).toBe('alice');
  });
});
