// Test-only login: `?user=alice` signs in as alice; `banned` is a user the policy refuses.
import { randomUUID } from 'node:crypto';
import { sessions } from '$lib/server/sessions.js';

export function GET({ url, cookies }) {
  const name = url.searchParams.get('user') ?? '';
  const id = randomUUID();
  sessions.set(id, { id: name, banned: name === 'banned' });
  cookies.set('session', id, { path: '/', httpOnly: true, secure: false });
  return new Response('signed in');
}
