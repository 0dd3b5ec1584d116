/* Chat user claims (`ably.room.<pattern>`): what the issuer signs, what the route takes, what
 * inspection reads back, and which claim applies in a room. Every token is verified with jose. */
import fc from 'fast-check';
import {
  createTokenIssuer,
  createTokenRoute,
  decodeAblyToken,
  isAblyChatAuthError,
  room,
  userClaimFor,
  verifyAblyToken,
  MAX_USER_CLAIM_BYTES,
  type Logger,
  type TokenRouteOptions,
  type UserClaims,
} from '../src/index';
import { compareSpecificity, stableJson } from '../src/user-claims';
import { utf8ByteLength } from '../src/utf8';
import { TEST_KEY, verifyWithJose } from './helpers';

const issuer = createTokenIssuer({ apiKey: TEST_KEY });
const grants = { '*': 'all' } as const;

async function codeOf(work: () => unknown): Promise<{ code: string; message: string }> {
  try {
    await work();
  } catch (error) {
    if (!isAblyChatAuthError(error)) throw error;
    return { code: error.code, message: error.message };
  }
  throw new Error('expected an error');
}

describe('issue({ userClaims })', () => {
  it('signs each pattern as ably.room.<pattern>: strings as is, objects as JSON with sorted keys, recursively', async () => {
    const { token } = await issuer.issue({
      clientId: 'alice',
      grants,
      userClaims: { '*': { role: 'member', display_name: 'Alice', prefs: { z: 1, a: [{ y: 2, b: 3 }] } }, 'support:*': 'agent', lobby: {} },
    });
    const { payload } = await verifyWithJose(token);
    expect(payload['ably.room.*']).toBe('{"display_name":"Alice","prefs":{"a":[{"b":3,"y":2}],"z":1},"role":"member"}');
    expect(JSON.parse(payload['ably.room.*'] as string)).toEqual({ role: 'member', display_name: 'Alice', prefs: { z: 1, a: [{ y: 2, b: 3 }] } });
    expect(payload['ably.room.support:*']).toBe('agent');
    expect(payload['ably.room.lobby']).toBe('{}');
  });

  it('signs the same bytes whatever order the object was built in', async () => {
    const a = await verifyWithJose((await issuer.issue({ clientId: 'a', grants, userClaims: { '*': { b: 1, a: 2 } } })).token);
    const b = await verifyWithJose((await issuer.issue({ clientId: 'a', grants, userClaims: { '*': { a: 2, b: 1 } } })).token);
    expect(a.payload['ably.room.*']).toBe(b.payload['ably.room.*']);
  });

  it('property: any plain JSON object round-trips through the token, and its text does not depend on key order', async () => {
    // A copy with every object's keys inserted in reverse order (integer-like keys aside, which JS always lists first).
    const reverseDeep = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reverseDeep)
        : v !== null && typeof v === 'object'
          ? Object.fromEntries(
              Object.keys(v)
                .reverse()
                .map((k) => [k, reverseDeep((v as Record<string, unknown>)[k])]),
            )
          : v;
    const json = fc.jsonValue({ maxDepth: 3 }).filter((v) => !JSON.stringify(v).includes('"__proto__"'));
    const object = fc
      .dictionary(
        fc.string({ maxLength: 6 }).filter((k) => k !== '__proto__'),
        json,
        { maxKeys: 4 },
      )
      .filter((o) => Buffer.byteLength(stableJson(o as never)) <= MAX_USER_CLAIM_BYTES);
    await fc.assert(
      fc.asyncProperty(object, async (value) => {
        const text = stableJson(value as never);
        expect(stableJson(reverseDeep(value) as never)).toBe(text);
        const { token } = await issuer.issue({ clientId: 'p', grants, userClaims: { 'team:*': value as UserClaims[string] } });
        const { payload } = await verifyWithJose(token);
        // -0 signs as 0, as JSON does.
        expect(JSON.parse(payload['ably.room.team:*'] as string)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 100 },
    );
  });

  it.each([
    ['foo*', /Did you mean "foo:\*"/],
    ['a::b', /empty segment/],
    ['[chat]lobby', /qualifier/],
    ['', /must not be empty/],
  ])('refuses the pattern %j as grants do', async (pattern, message) => {
    const { code, message: text } = await codeOf(() => issuer.issue({ clientId: 'a', grants, userClaims: { [pattern]: 'x' } }));
    expect(code).toBe('ERR_INVALID_ROOM_PATTERN');
    expect(text).toMatch(message);
  });

  it.each([
    ['a number', 3, /must be a string or a JSON object/],
    ['an array', ['a'], /must be a string or a JSON object/],
    ['null', null, /must be a string or a JSON object/],
    ['a Date inside', { since: new Date() }, /userClaims\["\*"\]\.since is a Date/],
    ['a toJSON', { toJSON: () => 'x' }, /toJSON/],
    ['an oversize string', 'x'.repeat(MAX_USER_CLAIM_BYTES + 1), /1025 bytes once serialised; the limit is 1024/],
    ['an oversize object (UTF-8 bytes)', { name: 'é'.repeat(510) }, /bytes once serialised; the limit is 1024/],
  ])('refuses %s as a value with ERR_INVALID_USER_CLAIMS', async (_label, value, message) => {
    const { code, message: text } = await codeOf(() => issuer.issue({ clientId: 'a', grants, userClaims: { '*': value as never } }));
    expect(code).toBe('ERR_INVALID_USER_CLAIMS');
    expect(text).toMatch(message);
  });

  it.each([
    [
      'a bidi override in a string',
      'Alice\u202e',
      'userClaims["*"] contains U+202E RIGHT-TO-LEFT OVERRIDE at position 5, a control or direction-changing character',
    ],
    ['a line break', 'Alice\nBob', 'userClaims["*"] contains U+000A at position 5, a control or direction-changing character'],
    ['ESC', '\u001b[31mAlice', 'userClaims["*"] contains U+001B at position 0'],
    ['a C1 control', 'Al\u009bice', 'U+009B at position 2'],
    ['an isolate in a display name', { display_name: 'Alice\u2067' }, 'userClaims["*"]["display_name"] contains U+2067 RIGHT-TO-LEFT ISOLATE at position 5'],
    [
      'the Arabic letter mark deep inside',
      { profile: { names: ['ok', 'x\u061c'] } },
      'userClaims["*"]["profile"]["names"][1] contains U+061C ARABIC LETTER MARK',
    ],
    ['a control character in a key', { ['name\u202d']: 'Alice' }, 'The key userClaims["*"]["name\u202d"] contains U+202D LEFT-TO-RIGHT OVERRIDE'],
  ])('refuses %s in what other users see, naming it and where', async (_label, value, message) => {
    const { code, message: text } = await codeOf(() => issuer.issue({ clientId: 'a', grants, userClaims: { '*': value as never } }));
    expect(code).toBe('ERR_INVALID_USER_CLAIMS');
    expect(text).toContain(message);
  });

  it('accepts names in any script, emoji sequences and white space inside a name', async () => {
    const value = { display_name: 'Ελένη 👩‍💻 عربي ❤️', note: 'two  spaces' };
    const { token } = await issuer.issue({ clientId: 'a', grants, userClaims: { '*': value } });
    expect(JSON.parse((await verifyWithJose(token)).payload['ably.room.*'] as string)).toEqual(value);
  });

  it('property: a claim string is refused exactly when it holds a control character or a bidi control', async () => {
    const unit = fc.oneof(
      { weight: 8, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x9f }).map((c) => String.fromCharCode(c)) },
      { weight: 1, arbitrary: fc.constantFrom('\u061c', '\u200e', '\u200f', '\u202a', '\u202e', '\u2066', '\u2069') },
    );
    // Independent of the implementation: C0, DEL, C1 and the 12 Bidi_Control code points of Unicode 15.
    // eslint-disable-next-line no-control-regex -- the very characters the rule is about
    const unsafe = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
    await fc.assert(
      fc.asyncProperty(fc.array(unit, { minLength: 1, maxLength: 6 }), async (parts) => {
        const value = parts.join('');
        const refused = await issuer.issue({ clientId: 'a', grants, userClaims: { '*': value } }).then(
          () => false,
          (error: unknown) => isAblyChatAuthError(error, 'ERR_INVALID_USER_CLAIMS'),
        );
        expect(refused).toBe(unsafe.test(value));
      }),
      { numRuns: 300 },
    );
  });

  it('property: utf8ByteLength counts what a UTF-8 encoder writes, lone surrogates as U+FFFD', () => {
    const unit = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 1 }),
      fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 12 }), (parts) => {
        const text = parts.join('');
        expect(utf8ByteLength(text)).toBe(new TextEncoder().encode(text).length);
      }),
      { numRuns: 3000 },
    );
    expect(utf8ByteLength('aé€😀')).toBe(1 + 2 + 3 + 4);
  });

  it('accepts a value of exactly 1 KiB', async () => {
    const { token } = await issuer.issue({ clientId: 'a', grants, userClaims: { '*': 'x'.repeat(MAX_USER_CLAIM_BYTES) } });
    expect((await verifyWithJose(token)).payload['ably.room.*']).toHaveLength(MAX_USER_CLAIM_BYTES);
  });

  it('refuses userClaims that are not an object', async () => {
    expect((await codeOf(() => issuer.issue({ clientId: 'a', grants, userClaims: 'x' as never }))).code).toBe('ERR_INVALID_USER_CLAIMS');
    expect((await codeOf(() => issuer.issue({ clientId: 'a', grants, userClaims: [] as never }))).code).toBe('ERR_INVALID_USER_CLAIMS');
  });

  it('names the largest user claims when the token is too large', async () => {
    const userClaims = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`room-${i}`, 'v'.repeat(i === 7 ? 1000 : 500)]));
    const error = await codeOf(() => issuer.issue({ clientId: 'a', grants, userClaims }));
    expect(error.code).toBe('ERR_TOKEN_TOO_LARGE');
    expect(error.message).toMatch(/12 user claim\(s\) ~\d+ B, the largest: 'room-7' \(~\d+ B\)/);
    expect(error.message).not.toContain('vvvv');
  });
});

describe('raw claims refuse the names Ably reserves', () => {
  it.each([
    ['ably.room.lobby', /userClaims/],
    ['Ably.Room.lobby', /userClaims/],
    ['ably.channel.x', /Pub\/Sub channel claims/],
    ['ably.limits.publish.perAttachment.maxRate.x', /limits/],
    ['ably.other', /reserved 'ably\.' prefix/],
  ])('%s', async (name, message) => {
    const error = await codeOf(() => issuer.issue({ clientId: 'a', grants, claims: { [name]: 'x' } }));
    expect(error.code).toBe('ERR_RESERVED_CLAIM');
    expect(error.message).toMatch(message);
  });

  it('still signs other claims next to user claims', async () => {
    const { token } = await issuer.issue({ clientId: 'a', grants, claims: { ablyish: 1 }, userClaims: { '*': 'x' } });
    const { payload } = await verifyWithJose(token);
    expect(payload.ablyish).toBe(1);
    expect(payload['ably.room.*']).toBe('x');
  });
});

describe('reading user claims back', () => {
  it('decodeAblyToken and verifyAblyToken return userClaims: pattern -> string', async () => {
    const { token } = await issuer.issue({ clientId: 'a', grants, userClaims: { '*': { n: 'A' }, 'support:*': 'agent' } });
    const expected = { '*': '{"n":"A"}', 'support:*': 'agent' };
    expect({ ...decodeAblyToken(token).userClaims }).toEqual(expected);
    expect({ ...(await verifyAblyToken(token, TEST_KEY)).userClaims }).toEqual(expected);
    expect({ ...decodeAblyToken((await issuer.issue({ clientId: 'a', grants })).token).userClaims }).toEqual({});
  });
});

describe('userClaimFor: the claim Ably would attach in a room', () => {
  const claims = {
    '*': 'everyone',
    'support:*': 'support',
    'support:vip:*': 'vip',
    'support:vip:42': 'exact-42',
    'team:*:general': 'team-general',
    'team:*': 'team',
    lobby: 'lobby',
  };
  it.each([
    ['lobby', 'lobby'],
    ['elsewhere', '*'],
    ['support:1', 'support:*'],
    ['support:vip:7', 'support:vip:*'],
    ['support:vip:42', 'support:vip:42'],
    ['support:vip', 'support:*'],
    ['team:red:general', 'team:*:general'],
    ['team:red:random', 'team:*'],
    ['team', '*'],
  ])('in %s: %s', async (roomName, pattern) => {
    const { token } = await issuer.issue({ clientId: 'a', grants, userClaims: claims });
    expect(userClaimFor(token, roomName)).toEqual({ pattern, value: claims[pattern as keyof typeof claims] });
    expect(userClaimFor(decodeAblyToken(token), roomName)?.pattern).toBe(pattern);
  });

  it('is undefined when no pattern matches', () => {
    expect(userClaimFor({ userClaims: { 'support:*': 'x', lobby: 'y' } }, 'other')).toBeUndefined();
    expect(userClaimFor({ userClaims: {} }, 'lobby')).toBeUndefined();
  });

  it('property: the answer matches the room, does not depend on the order claims are listed in, and an exact match always wins', () => {
    const segment = fc.constantFrom('a', 'b', 'c');
    const patternArb = fc.array(fc.oneof(segment, fc.constant('*')), { minLength: 1, maxLength: 3 }).map((s) => s.join(':'));
    const roomArb = fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join(':'));
    fc.assert(
      fc.property(fc.uniqueArray(patternArb, { minLength: 1, maxLength: 6 }), roomArb, (patterns, roomName) => {
        const forward = Object.fromEntries(patterns.map((p) => [p, `v:${p}`]));
        const backward = Object.fromEntries([...patterns].reverse().map((p) => [p, `v:${p}`]));
        const a = userClaimFor({ userClaims: forward }, roomName);
        expect(userClaimFor({ userClaims: backward }, roomName)).toEqual(a);
        if (patterns.includes(roomName)) expect(a?.pattern).toBe(roomName);
        if (a && a.pattern !== '*' && patterns.includes('*')) expect(compareSpecificity(a.pattern, '*')).toBeLessThan(0);
        if (a === undefined) expect(patterns.includes('*')).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('the token route option userClaims', () => {
  type User = { id: string; name: string };
  function route(overrides: Partial<TokenRouteOptions<User, unknown>> = {}) {
    const lines: string[] = [];
    const logger: Logger = { error: (m: string) => lines.push(m), warn: (m: string) => lines.push(m) };
    const r = createTokenRoute<User, unknown>({
      apiKey: TEST_KEY,
      resolveUser: () => ({ id: 'alice', name: 'Alice' }),
      policy: { '*': 'all' },
      logger,
      ...overrides,
    });
    return { r, lines };
  }

  it('signs the claims a sync or async function returns, per user', async () => {
    for (const userClaims of [(u: User) => ({ '*': { display_name: u.name } }), (u: User) => Promise.resolve({ '*': { display_name: u.name } })]) {
      const { r } = route({ userClaims });
      const answer = await r.handle({ method: 'GET', native: {} });
      expect(answer.status).toBe(200);
      const { payload } = await verifyWithJose(answer.body);
      expect(JSON.parse(payload['ably.room.*'] as string)).toEqual({ display_name: 'Alice' });
    }
  });

  it('signs no user claim when the function returns null or undefined', async () => {
    const { r } = route({ userClaims: () => null });
    const answer = await r.handle({ method: 'GET', native: {} });
    expect(Object.keys((await verifyWithJose(answer.body)).payload).some((k) => k.startsWith('ably.room.'))).toBe(false);
  });

  it('answers a logged 500 when the function throws or returns invalid claims', async () => {
    for (const userClaims of [
      () => {
        throw new Error('profile store down');
      },
      () => ({ 'foo*': 'x' }),
      () => ({ '*': 42 as never }),
    ]) {
      const { r, lines } = route({ userClaims });
      const answer = await r.handle({ method: 'GET', native: {} });
      expect(answer.status).toBe(500);
      expect(lines.join('\n')).toMatch(/Token route failed in issue/);
    }
  });

  it('answers 503 when an async function outlives the timeout', async () => {
    const { r } = route({ timeout: 1, userClaims: () => new Promise(() => undefined) });
    expect((await r.handle({ method: 'GET', native: {} })).status).toBe(503);
  });

  it('is refused at startup when not a function, or with responseFormat token-request', () => {
    expect(() => route({ userClaims: { '*': 'x' } as never })).toThrow(/userClaims must be a function/);
    expect(() => route({ responseFormat: 'token-request', userClaims: () => ({ '*': 'x' }) })).toThrow(/userClaims exist only in JWTs/);
    expect(() => route({ userClams: () => ({}) } as never)).toThrow(/Did you mean 'userClaims'/);
  });

  it('respond() takes per-call userClaims (an object or a function) that replace the route option', async () => {
    const { r } = route({ userClaims: () => ({ '*': 'route' }) });
    const user = { id: 'bob', name: 'Bob' };
    const byObject = await r.respond(user, { method: 'GET', native: {} }, { userClaims: { announcements: { role: 'moderator' } } });
    const payload = (await verifyWithJose(byObject.body)).payload;
    expect(payload['ably.room.announcements']).toBe('{"role":"moderator"}');
    expect(payload['ably.room.*']).toBeUndefined();
    const byFunction = await r.respond(user, { method: 'GET', native: {} }, { userClaims: (u) => ({ '*': u.name }) });
    expect((await verifyWithJose(byFunction.body)).payload['ably.room.*']).toBe('Bob');
    const issued = await r.issueForUser(user, {}, { userClaims: { lobby: 'x' } });
    expect(userClaimFor(issued!.token, 'lobby')).toEqual({ pattern: 'lobby', value: 'x' });
  });

  it('refuses per-call userClaims on a token-request route with a 500', async () => {
    const { r } = route({ responseFormat: 'token-request' });
    expect((await r.respond({ id: 'a', name: 'A' }, { method: 'GET', native: {} }, { userClaims: { '*': 'x' } })).status).toBe(500);
  });

  it('builds claim patterns with the room tag', async () => {
    const { r } = route({ userClaims: (u) => ({ [room`dms:${u.id}:*`]: 'mine' }) });
    const answer = await r.handle({ method: 'GET', native: {} });
    expect(userClaimFor(answer.body, 'dms:alice:bob')).toEqual({ pattern: 'dms:alice:*', value: 'mine' });
  });
});
