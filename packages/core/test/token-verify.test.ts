import { SignJWT } from 'jose';
import { createTokenIssuer, isAblyChatAuthError, verifyAblyToken } from '../src/index';
import { TEST_KEY, TEST_KEY_NAME, TEST_SECRET } from './helpers';

const now = () => Math.floor(Date.now() / 1000);

/** Signs with the real key, so only the claims decide: what Ably itself would refuse. */
async function sign(claims: Record<string, unknown>, { exp = now() + 600, iat = now() }: { exp?: number | null; iat?: number | null } = {}) {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: TEST_KEY_NAME });
  if (iat !== null) jwt = jwt.setIssuedAt(iat);
  if (exp !== null) jwt = jwt.setExpirationTime(exp);
  return jwt.sign(new TextEncoder().encode(TEST_SECRET));
}

async function refusal(token: string, options?: { ignoreExpiration?: boolean }): Promise<string | undefined> {
  try {
    await verifyAblyToken(token, TEST_KEY, options);
  } catch (error) {
    if (!isAblyChatAuthError(error)) throw error;
    expect(error.code).toBe('ERR_INVALID_TOKEN');
    return error.message;
  }
  return undefined;
}

describe('verifyAblyToken refuses what Ably refuses', () => {
  const capability = '{"lobby":["publish"]}';

  it('accepts a well-formed token', async () => {
    expect(await refusal(await sign({ 'x-ably-capability': capability, 'x-ably-clientId': 'a' }))).toBeUndefined();
    const issued = await createTokenIssuer({ apiKey: TEST_KEY }).issue({ clientId: 'a', grants: { lobby: 'send' } });
    expect(await refusal(issued.token)).toBeUndefined();
  });

  it('refuses a token without exp, even when told to ignore expiry', async () => {
    const token = await sign({ 'x-ably-capability': capability }, { exp: null });
    expect(await refusal(token)).toMatch(/no exp claim.*Ably refuses/);
    expect(await refusal(token, { ignoreExpiration: true })).toMatch(/no exp claim/);
  });

  it('refuses a token without iat', async () => {
    expect(await refusal(await sign({ 'x-ably-capability': capability }, { iat: null }))).toMatch(/no iat claim/);
  });

  it('refuses an x-ably-capability claim that is an object, not a JSON string', async () => {
    expect(await refusal(await sign({ 'x-ably-capability': { lobby: ['publish'] } }))).toMatch(
      /x-ably-capability must be a JSON string; got a value of type object/,
    );
  });

  it.each([
    ['not JSON', 'lobby:publish', /not valid JSON/],
    ['a JSON array', '["publish"]', /not a JSON object/],
    ['operations that are not a list', '{"lobby":"publish"}', /not a JSON object of resource -> operations/],
    ['empty', '', /not valid JSON/],
  ])('refuses an x-ably-capability string that is %s', async (_label, value, message) => {
    expect(await refusal(await sign({ 'x-ably-capability': value }))).toMatch(message);
  });
});
