/*
 * Type-level tests of the module's user typing, checked by `pnpm typecheck` (tsc), never run.
 * Each `@ts-expect-error` fails the type check if the line below it compiles, so a regression to
 * an `any` user (where `user.baned` compiles) breaks the build.
 */
import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import {
  AblyChatAuthModule,
  AblyChatAuthService,
  room,
  type AblyChatAuthModuleOptions,
  type AblyChatAuthOptionsFactory,
  type ChatGrants,
} from '@ably-chat-auth/nestjs';

interface AppUser {
  id: string;
  banned: boolean;
}

declare const apiKey: string;

export function typeTests(): void {
  // forRoot<AppUser>: the policy's `user` is an AppUser.
  AblyChatAuthModule.forRoot<AppUser>({
    apiKey,
    policy: (user) => (user.banned ? null : { lobby: 'all', [room`dms:${user.id}:*`]: ['send', 'receive'] }),
    isGlobal: true,
  });
  AblyChatAuthModule.forRoot<AppUser>({
    apiKey,
    policy: (user) =>
      // @ts-expect-error -- a typo of AppUser's `banned`
      user.baned ? null : { lobby: 'all' },
  });
  AblyChatAuthModule.forRoot<AppUser>({
    apiKey,
    policy: { lobby: 'all' },
    hooks: {
      onTokenIssued: (event) => {
        const id: string = event.user.id;
        void id;
        // @ts-expect-error -- hooks see the same AppUser
        void event.user.baned;
      },
    },
  });

  // A second type argument types the request the resolver and the policy get.
  interface SessionRequest {
    session: { teamId: string };
  }
  AblyChatAuthModule.forRoot<AppUser, SessionRequest>({
    apiKey,
    policy: (user, req) => ({ [room`team:${req.session.teamId}:*`]: 'all', [room`dms:${user.id}:*`]: 'all' }),
    revocationKey: (_user, req) =>
      // @ts-expect-error -- a typo of SessionRequest's `session`
      req.sesion.teamId, // eslint-disable-line @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-member-access -- the deliberate type error above
  });

  // No type argument: the user is `unknown`, not `any`, so reading a property needs a type.
  AblyChatAuthModule.forRoot({
    apiKey,
    policy: (user) =>
      // @ts-expect-error -- `user` is unknown here
      user.baned ? null : { lobby: 'all' },
  });
  // ...unless the policy says it (the type argument is inferred from the annotation).
  const appPolicy = (user: AppUser): ChatGrants | null => (user.banned ? null : { lobby: 'all' });
  AblyChatAuthModule.forRoot({ apiKey, policy: appPolicy });
  AblyChatAuthModule.forRoot({ apiKey, policy: { lobby: 'all' } });

  // forRootAsync<AppUser>: what useFactory returns is typed with AppUser.
  AblyChatAuthModule.forRootAsync<AppUser>({
    useFactory: () => ({ apiKey, policy: (user) => (user.banned ? null : { lobby: 'all' }) }),
    guards: [],
  });
  AblyChatAuthModule.forRootAsync<AppUser>({
    useFactory: () =>
      Promise.resolve({
        apiKey,
        policy: (user) =>
          // @ts-expect-error -- a typo of AppUser's `banned`
          user.baned ? null : { lobby: 'all' },
      }),
  });
  AblyChatAuthModule.forRootAsync({
    useFactory: (): AblyChatAuthModuleOptions<AppUser> => ({ apiKey, policy: appPolicy }),
  });
  @Injectable()
  class AblyConfig implements AblyChatAuthOptionsFactory<AppUser> {
    createAblyChatAuthOptions(): AblyChatAuthModuleOptions<AppUser> {
      return { apiKey, policy: (user) => ({ [room`support:${user.id}`]: 'all' }) };
    }
  }
  AblyChatAuthModule.forRootAsync({ useClass: AblyConfig });
  AblyChatAuthModule.forRootAsync<AppUser>({ useExisting: AblyConfig });

  // The service: AblyChatAuthService<AppUser> takes AppUsers.
  const service = null as unknown as AblyChatAuthService<AppUser>;
  void service.issueForUser({ id: 'alice', banned: false });
  // @ts-expect-error -- not an AppUser
  void service.issueForUser({ id: 'alice', baned: false });
  void service.respond({ id: 'alice', banned: false }, {}, { policy: (user) => ({ [room`dms:${user.id}:*`]: 'all' }) });
  // @ts-expect-error -- the policy's user is an AppUser
  void service.respond(null, {}, { policy: (user) => (user.baned ? null : { lobby: 'all' }) });
}
