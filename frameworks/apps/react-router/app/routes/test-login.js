// Test-only login: `?user=alice` commits a cookie session (the recipe's options) for alice; `banned` is refused by the policy.
import { createCookieSessionStorage } from 'react-router';

const { getSession, commitSession } = createCookieSessionStorage({
  cookie: { name: '__session', secrets: [process.env.SESSION_SECRET], httpOnly: true, sameSite: 'lax', secure: true },
});

export async function loader({ request }) {
  const name = new URL(request.url).searchParams.get('user') ?? '';
  const session = await getSession();
  session.set('user', { id: name, banned: name === 'banned' });
  return new Response('signed in', { headers: { 'Set-Cookie': await commitSession(session) } });
}
