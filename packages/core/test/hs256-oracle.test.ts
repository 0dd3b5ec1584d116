/* Our HS256 signer against jsonwebtoken as the oracle: for generated identities, grants, claims,
 * user claims, revocation keys and TTLs, the token core issues is byte-identical to what jwt.sign makes of the
 * same payload with the same key and iat, and it verifies under jose and jsonwebtoken. */
import { createSecretKey } from 'node:crypto';
import fc from 'fast-check';
import { jwtVerify } from 'jose';
import jwt from 'jsonwebtoken';
import { hmacBackend, useHmacBackend } from '../src/hmac';
import { createTokenIssuer, type ChatGrants } from '../src/index';
import { TEST_KEY, TEST_KEY_NAME, TEST_SECRET } from './helpers';

const FEATURES = ['send', 'receive', 'history', 'presence', 'typing', 'occupancy', 'room-reactions', 'message-reactions', 'all', 'moderator'] as const;
// Room segments and clientIds: printable text, unicode included, without what core refuses (':' '*' '[' ']', controls, invisible characters).
// eslint-disable-next-line no-control-regex -- the generator must leave out the control characters core refuses
const SAFE = /^[^:*[\]\u0000-\u001f\u007f-\u009f\u2028\u2029\p{Bidi_Control}\p{Default_Ignorable_Code_Point}\s]+$/u;
const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).filter((s) => SAFE.test(s) && !/\p{Cs}/u.test(s));
const pattern = fc.oneof(
  text,
  text.map((s) => `${s}:*`),
  fc.tuple(text, text).map(([a, b]) => `${a}:${b}`),
  fc.constant('*'),
);
const grants: fc.Arbitrary<ChatGrants> = fc.dictionary(pattern, fc.subarray([...FEATURES], { minLength: 1 }), { minKeys: 1, maxKeys: 4 });
const claims = fc.option(
  fc.dictionary(
    text.filter((k) => !/^(x-ably-|iat$|exp$|nbf$|kid$|alg$|ably\.)/i.test(k)),
    fc.oneof(fc.string(), fc.integer(), fc.boolean()),
    { maxKeys: 3 },
  ),
  { nil: undefined },
);

// User claims: a string, or a JSON object (nested, keys in any order) that is signed with sorted keys.
const claimObject = fc.dictionary(
  fc.string({ maxLength: 8 }),
  fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.integer(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
  ),
  { maxKeys: 4 },
);
const userClaims = fc.option(fc.dictionary(pattern, fc.oneof(fc.string({ maxLength: 40 }), claimObject), { maxKeys: 3 }), { nil: undefined });

const keyObject = createSecretKey(Buffer.from(TEST_SECRET, 'utf8'));

// Both HMAC implementations: Node's crypto (the default on Node) and WebCrypto (Workers, the edge, browsers).
describe.each(['node', 'webcrypto'] as const)('the HS256 signer with %s HMAC is byte-identical to jsonwebtoken', (backend) => {
  beforeAll(() => useHmacBackend(backend));
  afterAll(() => useHmacBackend('auto'));

  it('for generated clientIds, grants, claims, user claims, revocation keys and TTLs', async () => {
    const issuer = createTokenIssuer({ apiKey: TEST_KEY, clockSkew: 0 });
    expect(hmacBackend()).toBe(backend);
    await fc.assert(
      fc.asyncProperty(
        text,
        grants,
        claims,
        userClaims,
        fc.option(text, { nil: undefined }),
        fc.integer({ min: 10, max: 24 * 3600 }),
        async (clientId, g, extra, user, revocationKey, ttl) => {
          const issued = await issuer.issue({ clientId, grants: g, claims: extra, userClaims: user, revocationKey, ttl });
          const payloadText = Buffer.from(issued.token.split('.')[1]!, 'base64url').toString('utf8');
          const payload = JSON.parse(payloadText) as Record<string, unknown>;
          // The oracle signs the same claims, in the same order, with the same iat. jsonwebtoken's
          // object path throws on claim names such as `constructor`; for those it signs the text.
          const objectSafe = Object.keys(payload).every((name) => !(name in Object.prototype));
          const oracle = objectSafe
            ? jwt.sign(payload, keyObject, { algorithm: 'HS256', keyid: TEST_KEY_NAME })
            : jwt.sign(payloadText, keyObject, { algorithm: 'HS256', keyid: TEST_KEY_NAME, header: { alg: 'HS256', typ: 'JWT' } });
          expect(issued.token).toBe(oracle);
          // Our payload text is exactly JSON.stringify of those claims in that order.
          expect(payloadText).toBe(JSON.stringify(Object.assign(Object.create(null) as Record<string, unknown>, payload)));
          if (objectSafe) expect(jwt.verify(issued.token, keyObject, { algorithms: ['HS256'] })).toEqual(payload);
          const { payload: verified, protectedHeader } = await jwtVerify(issued.token, new TextEncoder().encode(TEST_SECRET), { algorithms: ['HS256'] });
          expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'JWT', kid: TEST_KEY_NAME });
          expect(verified['x-ably-clientId']).toBe(clientId);
          expect(verified.exp! - verified.iat!).toBe(ttl);
          // Each user claim is a string claim `ably.room.<pattern>`; an object parses back equal.
          const expectedNames = Object.keys(user ?? {}).map((p) => `ably.room.${p}`);
          expect(Object.keys(verified).filter((name) => name.startsWith('ably.room.'))).toEqual(expectedNames);
          for (const [p, value] of Object.entries(user ?? {})) {
            const signed = verified[`ably.room.${p}`];
            expect(typeof signed).toBe('string');
            if (typeof value === 'string') expect(signed).toBe(value);
            else expect(JSON.parse(signed as string)).toEqual(value);
          }
        },
      ),
      { numRuns: 300, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) },
    );
  });

  it('writes the payload claims in the documented order: extra claims, user claims, iat, exp, capability, clientId, revocation key', async () => {
    const issued = await createTokenIssuer({ apiKey: TEST_KEY }).issue({
      clientId: 'alice',
      grants: { lobby: 'all' },
      claims: { team: 'blue' },
      userClaims: { lobby: { role: 'host' }, '*': 'x' },
      revocationKey: 'team-blue',
    });
    const payload = JSON.parse(Buffer.from(issued.token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(Object.keys(payload)).toEqual([
      'team',
      'ably.room.lobby',
      'ably.room.*',
      'iat',
      'exp',
      'x-ably-capability',
      'x-ably-clientId',
      'x-ably-revocation-key',
    ]);
  });
});
