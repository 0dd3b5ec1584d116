import fc from 'fast-check';
import { createTokenIssuer, isAblyChatAuthError, MAX_CLOCK_SKEW_SECONDS } from '../src/index';
import { TEST_KEY, verifyWithJose } from './helpers';

const nowSeconds = () => Math.floor(Date.now() / 1000);

// The rule: a token is back-dated by min(clockSkew, floor(ttl / 2)), so it always has at least
// half its lifetime left when it is issued.
describe('TTL and clock skew', () => {
  it('issues a 10 s token with the default 30 s skew that is still valid for 5 s', async () => {
    const issuer = createTokenIssuer({ apiKey: TEST_KEY, ttl: 10 });
    const before = nowSeconds();
    const issued = await issuer.issue({ clientId: 'alice', grants: { lobby: 'all' } });
    const { payload } = await verifyWithJose(issued.token);
    const exp = payload.exp as number;
    const iat = payload.iat as number;
    expect(exp - iat).toBe(10);
    expect(exp - before).toBeGreaterThanOrEqual(5);
    expect(before - iat).toBeLessThanOrEqual(5);
    expect(issuer.options.clockSkewSeconds).toBe(30);
  });

  it('keeps half of a per-call 10 s TTL when the issuer skew is 300 s', async () => {
    const issuer = createTokenIssuer({ apiKey: TEST_KEY, clockSkew: 300 });
    const before = nowSeconds();
    const issued = await issuer.issue({ clientId: 'alice', grants: { lobby: 'all' }, ttl: 10 });
    const { payload } = await verifyWithJose(issued.token);
    expect((payload.exp as number) - (payload.iat as number)).toBe(10);
    expect((payload.exp as number) - before).toBeGreaterThanOrEqual(5);
    // A long token from the same issuer still gets the whole 300 s of back-dating.
    const long = await issuer.issue({ clientId: 'alice', grants: { lobby: 'all' } });
    expect(before - long.issuedAt / 1000).toBeGreaterThanOrEqual(299);
    expect(before - long.issuedAt / 1000).toBeLessThanOrEqual(300);
  });

  it('no longer bounds clockSkew by the TTL at startup, only by 5 minutes', () => {
    expect(createTokenIssuer({ apiKey: TEST_KEY, ttl: 20, clockSkew: 15 }).options.clockSkewSeconds).toBe(15);
    expect(createTokenIssuer({ apiKey: TEST_KEY, ttl: 10, clockSkew: '5m' }).options.clockSkewSeconds).toBe(MAX_CLOCK_SKEW_SECONDS);
    let caught: unknown;
    try {
      createTokenIssuer({ apiKey: TEST_KEY, clockSkew: '6m' });
    } catch (error) {
      caught = error;
    }
    expect(isAblyChatAuthError(caught, 'ERR_INVALID_CLOCK_SKEW')).toBe(true);
    expect((caught as Error).message).toMatch(/between 0 s and 5m \(300 s\)/);
  });

  it('property: iat is back-dated by min(clockSkew, floor(ttl / 2)) and exp = iat + ttl', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 10, max: 86_400 }), fc.integer({ min: 0, max: MAX_CLOCK_SKEW_SECONDS }), async (ttl, clockSkew) => {
        const issuer = createTokenIssuer({ apiKey: TEST_KEY, clockSkew });
        const before = nowSeconds();
        const issued = await issuer.issue({ clientId: 'alice', grants: { lobby: 'send' }, ttl });
        const after = nowSeconds();
        const iat = issued.issuedAt / 1000;
        const exp = issued.expiresAt / 1000;
        const backdate = Math.min(clockSkew, Math.floor(ttl / 2));
        expect(exp - iat).toBe(ttl);
        expect(iat).toBeGreaterThanOrEqual(before - backdate);
        expect(iat).toBeLessThanOrEqual(after - backdate);
        expect(exp - before).toBeGreaterThanOrEqual(ttl / 2);
      }),
      { numRuns: 300 },
    );
  });
});
