// Test-only login: `?user=alice` signs in as alice in Astro's session; `banned` is refused by the policy.
export const prerender = false;

export function GET({ url, session }) {
  const name = url.searchParams.get('user') ?? '';
  session.set('user', { id: name, banned: name === 'banned' });
  return new Response('signed in');
}
