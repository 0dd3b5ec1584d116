/*
 * Type-level tests of the plugin's user typing, checked by `pnpm typecheck` (tsc), never run.
 * Each `@ts-expect-error` fails the type check if the line below it compiles, so a regression to
 * an `any` user (where `user.baned` compiles) breaks the build. The declared `request.user` case
 * needs a `declare module 'fastify'` of its own program: see declared-user.test.ts.
 */
import Fastify, { type FastifyRequest } from 'fastify';
import { ablyChatAuth, room, type AblyChatAuthOptions, type FastifyTokenPluginOptions, type IssuedToken } from '@ably-chat-auth/fastify';

interface AppUser {
  id: string;
  banned: boolean;
}
declare const apiKey: string;

export async function typeTests(): Promise<void> {
  const app = Fastify();
  // ablyChatAuth<AppUser>: the policy's and the resolver's user is an AppUser, the request a FastifyRequest.
  await app.register(ablyChatAuth<AppUser>, {
    apiKey,
    resolveUser: (request: FastifyRequest) => (request.headers['x-user'] ? { id: String(request.headers['x-user']), banned: false } : null),
    policy: (user, request) => (user.banned || request.method === 'PUT' ? null : { lobby: 'all', [room`dms:${user.id}:*`]: ['send', 'receive'] }),
  });
  await app.register(ablyChatAuth<AppUser>, {
    apiKey,
    // @ts-expect-error a misspelt user field does not compile
    policy: (user) => (user.baned ? null : { lobby: 'all' }),
  });
  await app.register(ablyChatAuth<AppUser>, {
    apiKey,
    policy: { lobby: 'all' },
    // @ts-expect-error the resolver must return an AppUser
    resolveUser: () => ({ name: 'x' }),
  });
  // No declared user and no type argument: the user is `unknown`, never `any`.
  await app.register(ablyChatAuth, {
    apiKey,
    // @ts-expect-error unknown has no `id`
    policy: (user) => ({ lobby: user.id === 'x' ? 'all' : ['receive'] }),
  });
  // Options written apart keep their user type.
  const options: FastifyTokenPluginOptions<AppUser> = { apiKey, path: '/auth/ably', policy: (user) => ({ [room`dms:${user.id}:*`]: 'all' }) };
  await app.register(ablyChatAuth<AppUser>, options);
  // @ts-expect-error an unknown option name does not compile either
  await app.register(ablyChatAuth<AppUser>, { apiKey, policy: { lobby: 'all' }, pth: '/x' });
  app.get('/token', async (request) => {
    const issued: IssuedToken | null = await app.ablyChatAuth.issueForUser({ id: 'alice' }, request);
    return issued?.token;
  });
}

export async function loggerTypeTest(): Promise<void> {
  const app = Fastify();
  // Fastify's pino logger fits the `logger` option.
  await app.register(ablyChatAuth<AppUser>, { apiKey, policy: { lobby: 'all' }, logger: app.log });
}

// The deprecated first name of the options type is the same type, so code written against it compiles unchanged.
export const underFirstName: AblyChatAuthOptions<{ id: string }> = {} as FastifyTokenPluginOptions<{ id: string }>;
export const underNewName: FastifyTokenPluginOptions<{ id: string }> = {} as AblyChatAuthOptions<{ id: string }>;
