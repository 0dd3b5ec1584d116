import { jwtVerify, decodeProtectedHeader } from 'jose';

/** A syntactically valid key used only in tests. */
export const TEST_KEY_NAME = 'appTest.keyTest';
export const TEST_SECRET = 'c2VjcmV0LWZvci10ZXN0cy1vbmx5LW5vdC1yZWFs';
export const TEST_KEY = `${TEST_KEY_NAME}:${TEST_SECRET}`;

/** Verifies a token with jose (independent of jsonwebtoken) and returns header and payload. */
export async function verifyWithJose(token: string, secret = TEST_SECRET) {
  const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'] });
  return { payload: payload as Record<string, unknown>, header: protectedHeader, rawHeader: decodeProtectedHeader(token) };
}
