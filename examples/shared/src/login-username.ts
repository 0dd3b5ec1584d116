/** A login body's `username` (undefined when absent), or the answer that refuses the body. */
export type LoginBody = { username: unknown } | { error: string; status: 400 | 413 };

/** Whether a login body of this `Content-Type` can hold a username: JSON or an HTML form. */
export function isLoginBodyType(contentType: string | null | undefined): boolean {
  const type = (contentType ?? '').toLowerCase();
  return type.startsWith('application/json') || type.startsWith('application/x-www-form-urlencoded');
}

/**
 * The `username` of a login body already read (and bounded) by the server: from a JSON body or an
 * HTML form; any other type has none; malformed JSON is a 400. No Node built-ins, so the Fetch-API
 * examples (Hono, Next.js, Workers) parse the body the same way as the Node ones.
 *
 * @example parseLoginBody(request.headers.get('content-type'), await boundedText) // { username: 'alice' }
 */
export function parseLoginBody(contentType: string | null | undefined, text: string): LoginBody {
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('application/x-www-form-urlencoded')) return { username: new URLSearchParams(text).get('username') ?? undefined };
  if (!type.startsWith('application/json') || text.trim() === '') return { username: undefined };
  try {
    const parsed: unknown = JSON.parse(text);
    return { username: parsed !== null && typeof parsed === 'object' ? (parsed as { username?: unknown }).username : undefined };
  } catch {
    return { error: 'The request body is not valid JSON.', status: 400 };
  }
}
