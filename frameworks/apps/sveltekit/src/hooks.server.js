// Test-only: what an auth library's `handle` hook does: the session cookie's user into `locals`.
import { sessions } from '$lib/server/sessions.js';

export async function handle({ event, resolve }) {
  const id = event.cookies.get('session');
  event.locals.user = id ? sessions.get(id) : undefined;
  return resolve(event);
}
