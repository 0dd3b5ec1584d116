// Test-only login: `?user=alice` signs in as alice in TanStack Start's sealed session; `banned` is refused by the policy.
import { createServerFileRoute, useSession } from '@tanstack/react-start/server';

export const ServerRoute = createServerFileRoute('/test-login').methods({
  GET: async ({ request }) => {
    const name = new URL(request.url).searchParams.get('user') ?? '';
    const session = await useSession({ password: process.env.SESSION_SECRET });
    await session.update({ user: { id: name, banned: name === 'banned' } });
    return new Response('signed in');
  },
});
