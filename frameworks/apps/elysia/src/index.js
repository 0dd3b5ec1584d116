// The app around the recipe's plugin, with a test-only login that sets the signed `session` cookie.
import { Elysia } from 'elysia';
import { ablyToken } from './ably-token.ts';

new Elysia({ cookie: { secrets: process.env.SESSION_SECRET, sign: ['session'] } })
  .use(ablyToken)
  .get('/test-login', ({ query, cookie }) => {
    cookie.session.value = { id: query.user, banned: query.user === 'banned' };
    return 'signed in';
  })
  .listen({ hostname: '127.0.0.1', port: Number(process.env.PORT) });
