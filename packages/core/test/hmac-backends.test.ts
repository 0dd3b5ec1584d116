/* Core signs with Node's crypto where the runtime has it and with WebCrypto everywhere else. Both
 * must give the same bytes (tokens, TokenRequest MACs), and verifyAblyToken must agree with
 * jsonwebtoken on which signatures are valid, whichever implementation checks them. */
import { createHmac, createSecretKey, hash } from 'node:crypto';
import fc from 'fast-check';
import jwt from 'jsonwebtoken';
import { createHmacKey, hmacBackend, nodeHmacKey, oneShotHmac, useHmacBackend, type NodeCrypto, type OneShotHash } from '../src/hmac';
import { AblyApiKey, createTokenIssuer, signTokenRequest, verifyAblyToken } from '../src/index';
import { TEST_KEY, TEST_KEY_NAME, TEST_SECRET } from './helpers';

const BACKENDS = ['node', 'webcrypto'] as const;
const keyObject = createSecretKey(Buffer.from(TEST_SECRET, 'utf8'));
const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

afterEach(() => useHmacBackend('auto'));

/** Runs `make` with each backend and returns the results in BACKENDS order. */
async function withEachBackend<T>(make: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (const backend of BACKENDS) {
    useHmacBackend(backend);
    expect(hmacBackend()).toBe(backend);
    results.push(await make());
  }
  return results;
}

describe('Node crypto and WebCrypto sign the same bytes', () => {
  test('on Node, the default is node:crypto', () => {
    useHmacBackend('auto');
    expect(hmacBackend()).toBe('node');
  });

  test('tokens for generated clientIds, claims and TTLs are byte-identical', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 20 }).filter((s) => /^[\w.@-]+$/.test(s)),
        fc.string({ maxLength: 200 }),
        fc.integer({ min: 10, max: 86400 }),
        async (clientId, note, ttl) => {
          const [node, web] = await withEachBackend(async () => {
            // clockSkew 0 and one second's iat: issue both within the same second, retrying across a boundary.
            const issuer = createTokenIssuer({ apiKey: TEST_KEY, clockSkew: 0 });
            return issuer.issue({ clientId, grants: { lobby: 'all' }, claims: { note }, ttl });
          });
          if (node!.issuedAt === web!.issuedAt) expect(web!.token).toBe(node!.token);
          expect(web!.token.split('.').slice(0, 1)).toEqual(node!.token.split('.').slice(0, 1));
        },
      ),
      { numRuns: 100, seed },
    );
  });

  test('TokenRequest MACs are identical, and the nonce is 32 random hex characters', async () => {
    const fields = { ttl: 3_600_000, capability: '{"lobby":["publish"]}', clientId: 'alice', timestamp: 1_700_000_000_000, nonce: 'n-1' };
    const [node, web] = await withEachBackend(() => signTokenRequest(AblyApiKey.parse(TEST_KEY), fields));
    expect(web).toEqual(node);
    const [a, b] = await withEachBackend(() => signTokenRequest(AblyApiKey.parse(TEST_KEY), { ...fields, nonce: undefined }));
    expect(a!.nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(b!.nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(a!.nonce).not.toBe(b!.nonce);
  });
});

describe("Node's one-shot HMAC (two crypto.hash calls) gives createHmac's bytes", () => {
  const reference = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest('base64url');
  // The module object core reaches through process.getBuiltinModule.
  const nodeCrypto = process.getBuiltinModule('node:crypto');
  /** How many times signing one token called node:crypto's createHmac. */
  function createHmacCallsPerSign(secret: string): number {
    const key = createHmacKey(secret);
    const expected = reference(secret, 'payload');
    const spy = jest.spyOn(nodeCrypto, 'createHmac');
    try {
      expect(key.sign('payload')).toBe(expected);
      return spy.mock.calls.length;
    } finally {
      spy.mockRestore();
    }
  }

  test('an Ably-shaped secret signs through crypto.hash on this Node; longer or non-ASCII secrets through createHmac', () => {
    useHmacBackend('node');
    expect(createHmacCallsPerSign(TEST_SECRET)).toBe(0);
    expect(createHmacCallsPerSign('k'.repeat(64))).toBe(0);
    expect(createHmacCallsPerSign('k'.repeat(65))).toBe(1);
    expect(createHmacCallsPerSign('s\u00e9cret')).toBe(1);
    expect(oneShotHmac(undefined, TEST_SECRET)).toBeUndefined(); // a Node older than 20.12 has no crypto.hash
  });

  test('a one-shot form that disagrees with createHmac on the host, or throws, is never used', () => {
    const wrong = ((algorithm: 'sha256', data: string | Uint8Array, encoding: 'buffer' | 'base64url') =>
      hash(algorithm, typeof data === 'string' ? `${data}!` : data, encoding as 'buffer')) as unknown as OneShotHash;
    expect(oneShotHmac(wrong, TEST_SECRET)!('x')).not.toBe(reference(TEST_SECRET, 'x'));
    const key = nodeHmacKey({ ...(nodeCrypto as unknown as NodeCrypto), hash: wrong }, TEST_SECRET);
    expect(key.sign('x')).toBe(reference(TEST_SECRET, 'x'));
    expect(key.verify('x', reference(TEST_SECRET, 'x'))).toBe(true);
    const throwing = (() => {
      throw new TypeError('The "outputEncoding" argument is not supported here');
    }) as unknown as OneShotHash;
    expect(nodeHmacKey({ ...(nodeCrypto as unknown as NodeCrypto), hash: throwing }, TEST_SECRET).sign('x')).toBe(reference(TEST_SECRET, 'x'));
  });

  test('for generated secrets and data (any UTF-16, lone surrogates included), sign and verify match createHmac', () => {
    useHmacBackend('node');
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 80, unit: 'binary-ascii' }), fc.string({ maxLength: 70, unit: 'binary' })),
        fc.string({ maxLength: 300, unit: 'binary' }),
        (secret, data) => {
          const key = createHmacKey(secret);
          const expected = reference(secret, data);
          expect(key.sign(data)).toBe(expected);
          expect(key.verify(data, expected)).toBe(true);
          expect(key.verify(`${data}x`, expected)).toBe(false);
        },
      ),
      { numRuns: 500, seed },
    );
  });
});

describe('verifyAblyToken agrees with jsonwebtoken on signatures', () => {
  const claims = () => ({
    'x-ably-capability': '{"lobby":["publish"]}',
    'x-ably-clientId': 'alice',
    iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(Date.now() / 1000) + 600,
  });

  /** Whether jsonwebtoken accepts the token's signature (the oracle). */
  function oracleAccepts(token: string): boolean {
    try {
      jwt.verify(token, keyObject, { algorithms: ['HS256'] });
      return true;
    } catch {
      return false;
    }
  }

  test.each(BACKENDS)('with %s HMAC: a signature with any one character changed is refused, the original accepted', async (backend) => {
    useHmacBackend(backend);
    const token = jwt.sign(claims(), keyObject, { algorithm: 'HS256', keyid: TEST_KEY_NAME });
    await expect(verifyAblyToken(token, TEST_KEY)).resolves.toMatchObject({ clientId: 'alice' });
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.constantFrom(...alphabet), fc.constantFrom(0, 1, 2), async (at, replacement, part) => {
        const parts = token.split('.');
        const segment = parts[part]!;
        const index = at % segment.length;
        parts[part] = segment.slice(0, index) + replacement + segment.slice(index + 1);
        const tampered = parts.join('.');
        let ours: boolean;
        try {
          await verifyAblyToken(tampered, TEST_KEY);
          ours = true;
        } catch {
          ours = false;
        }
        // Every change is refused, even one in the unused bits of the signature's last character
        // (the same bytes, spelt otherwise: see the next test).
        expect(ours).toBe(oracleAccepts(tampered));
      }),
      { numRuns: 200, seed },
    );
  });

  test.each(BACKENDS)(
    'with %s HMAC: the signature re-spelt in the unused bits of its last character (same bytes) is refused, as jsonwebtoken refuses it',
    async (backend) => {
      useHmacBackend(backend);
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const token = jwt.sign(claims(), keyObject, { algorithm: 'HS256', keyid: TEST_KEY_NAME });
      const last = alphabet.indexOf(token.at(-1)!);
      // 43 characters carry 258 bits for a 256-bit MAC: the last character's two low bits are unused.
      const respellings = [0, 1, 2, 3].map((low) => (last & ~3) | low).filter((index) => index !== last);
      expect(respellings).toHaveLength(3);
      for (const index of respellings) {
        const respelt = token.slice(0, -1) + alphabet[index]!;
        expect(oracleAccepts(respelt)).toBe(false);
        await expect(verifyAblyToken(respelt, TEST_KEY)).rejects.toThrow();
      }
    },
  );

  test.each(BACKENDS)('with %s HMAC: alg none, another algorithm, a truncated or empty signature are refused', async (backend) => {
    useHmacBackend(backend);
    const token = jwt.sign(claims(), keyObject, { algorithm: 'HS256', keyid: TEST_KEY_NAME });
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid: TEST_KEY_NAME })).toString('base64url')}.${payload}.`;
    await expect(verifyAblyToken(none, TEST_KEY)).rejects.toThrow(/invalid algorithm \(a string of 4 characters; Ably keys sign HS256\)|invalid algorithm/);
    const hs512 = jwt.sign(claims(), keyObject, { algorithm: 'HS512', keyid: TEST_KEY_NAME });
    await expect(verifyAblyToken(hs512, TEST_KEY)).rejects.toThrow(/invalid algorithm/);
    await expect(verifyAblyToken(`${header}.${payload}.${signature.slice(0, -2)}`, TEST_KEY)).rejects.toThrow(/invalid signature/);
    await expect(verifyAblyToken(`${header}.${payload}.`, TEST_KEY)).rejects.toThrow(/invalid signature/);
    await expect(verifyAblyToken(`${header}.${payload}.${signature}!`, TEST_KEY)).rejects.toThrow(/invalid signature/);
  });

  test.each(BACKENDS)('with %s HMAC: expired and not-yet-valid tokens are refused; ignoreExpiration accepts the expired one', async (backend) => {
    useHmacBackend(backend);
    const now = Math.floor(Date.now() / 1000);
    const expired = jwt.sign({ ...claims(), iat: now - 700, exp: now - 100 }, keyObject, { algorithm: 'HS256', keyid: TEST_KEY_NAME });
    await expect(verifyAblyToken(expired, TEST_KEY)).rejects.toThrow(/does not verify: expired at/);
    await expect(verifyAblyToken(expired, TEST_KEY, { ignoreExpiration: true })).resolves.toMatchObject({ clientId: 'alice' });
    const early = jwt.sign({ ...claims(), nbf: now + 600 }, keyObject, { algorithm: 'HS256', keyid: TEST_KEY_NAME });
    await expect(verifyAblyToken(early, TEST_KEY)).rejects.toThrow(/does not verify: not active before/);
  });
});
