import { checkSnippets, type Snippet } from '../../../test/docs/snippets';

// An app's `declare module 'fastify'` changes FastifyRequest for its whole program, so each case is
// type-checked in a program of its own (the docs harness), as a module beside this package.
const file = 'packages/fastify/test/declared-user.ts';

const declaredByApp: Snippet = {
  file,
  line: 1,
  code: `
import Fastify from 'fastify';
import { ablyChatAuth, room } from '@ably-chat-auth/fastify';

interface AppUser { id: string; banned: boolean }
declare module 'fastify' {
  interface FastifyRequest { user?: AppUser }
}

const app = Fastify();
// No type argument: the user the app declared on request.user types the policy.
await app.register(ablyChatAuth, { apiKey: 'a.b:c', policy: (user) => (user.banned ? null : { [room\`dms:\${user.id}:*\`]: 'all' }) });
// @ts-expect-error a misspelt field of the declared user
await app.register(ablyChatAuth, { apiKey: 'a.b:c', policy: (user) => (user.baned ? null : { lobby: 'all' }) });
const id: string | undefined = app.ablyChatAuth.route.options ? 'x' : undefined;
export { id };
`,
};

// @fastify/jwt and @fastify/passport declare a required \`user\` (\`user: UserType\`, \`user: PassportUser | null\`):
// the plugin reads it without declaring \`user\` itself, so the two declarations never conflict.
const declaredByAuthPlugin: Snippet = {
  file,
  line: 1,
  code: `
import Fastify from 'fastify';
import { ablyChatAuth } from '@ably-chat-auth/fastify';

interface PassportUser { id: string; role: 'member' | 'admin' }
declare module 'fastify' {
  interface FastifyRequest { user: PassportUser | null }
}

const app = Fastify();
await app.register(ablyChatAuth, { apiKey: 'a.b:c', policy: (user) => ({ lobby: user.role === 'admin' ? 'all' : ['receive'] }) });
// @ts-expect-error 'owner' is not a role
await app.register(ablyChatAuth, { apiKey: 'a.b:c', policy: (user) => ({ lobby: user.role === 'owner' ? 'all' : ['receive'] }) });
export {};
`,
};

test("the user an app declares on FastifyRequest types the policy, without a type argument and without conflicting with the auth plugins' own declaration", () => {
  const problems = checkSnippets([declaredByApp, declaredByAuthPlugin]);
  expect(problems.get(declaredByApp)).toEqual([]);
  expect(problems.get(declaredByAuthPlugin)).toEqual([]);
}, 180_000);

test('the check itself catches a wrong user type (it is not vacuous)', () => {
  const wrong: Snippet = { ...declaredByApp, code: declaredByApp.code.replace('// @ts-expect-error a misspelt field of the declared user\n', '') };
  expect(checkSnippets([wrong]).get(wrong)!.join('\n')).toMatch(/baned/);
}, 180_000);
