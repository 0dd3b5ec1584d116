// Test-only login: `?user=alice` signs in as alice through h3's sealed session; `banned` is refused by the policy.
import { defineEventHandler, getQuery, useSession } from 'h3';

export default defineEventHandler(async (event) => {
  const name = String(getQuery(event).user ?? '');
  const session = await useSession(event, { password: process.env.SESSION_SECRET });
  await session.update({ user: { id: name, banned: name === 'banned' } });
  return 'signed in';
});
