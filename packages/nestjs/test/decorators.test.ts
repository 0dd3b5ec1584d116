import 'reflect-metadata';
import { expect } from '@jest/globals';
import { Controller, Get, Headers, HttpException, Post, Put, Query, Req, UnauthorizedException, UseGuards } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import * as Ably from 'ably';
import { decodeAblyToken } from '@ably-chat-auth/core';
import { AblyChatAuthModule, AblyTokenRoute, ChatGrants, ChatUserClaims, isAblyChatAuthError } from '@ably-chat-auth/nestjs';
import { API_KEY, capabilityOf, expectAblyError, expectToken, PLATFORMS, request, startApp, type TestApp } from './helpers';
import {
  appPolicy,
  bearer,
  BearerStrategy,
  ControlController,
  ErrorWatchingInterceptor,
  HijackingExceptionFilter,
  WrappingInterceptor,
  type AppUser,
} from './fixtures';
import { inspect } from 'node:util';

const supportGrants: ChatGrants = { 'help-desk': 'all' };

/** What each handler received besides the request, to prove its own parameters are untouched. */
const seen: unknown[][] = [];

@Controller('chat')
class ChatTokenController {
  @Get('token')
  @AblyTokenRoute()
  token(@Headers('x-user') id: string | undefined, @Query('suffix') suffix: string | undefined, ...rest: unknown[]): AppUser | null {
    seen.push([id, suffix, rest.length]);
    return id ? { id: `${id}${suffix ?? ''}` } : null;
  }

  @Post('token')
  @UseGuards(AuthGuard('bearer'))
  @AblyTokenRoute()
  tokenForPassportUser(@Req() req: { user?: AppUser }): AppUser | undefined {
    return req.user;
  }

  @Get('agents')
  @AblyTokenRoute()
  @ChatGrants((user: AppUser) => Promise.resolve(user.role === 'moderator' ? { 'support:*': 'moderator' } : { [`support:${user.id}`]: 'all' }))
  async agentToken(@Headers('x-user') id: string): Promise<AppUser> {
    await new Promise((resolve) => setTimeout(resolve, 2));
    return { id, ...(id === 'mia' ? { role: 'moderator' as const } : {}) };
  }

  @Get('nothing')
  @AblyTokenRoute()
  @ChatGrants(() => null)
  nothing(): AppUser {
    return { id: 'nobody-gets-chat' };
  }

  @Get('broken')
  @AblyTokenRoute()
  broken(): AppUser {
    throw new Error('user table unreachable');
  }

  @Get('expired')
  @AblyTokenRoute()
  expired(): AppUser {
    throw new UnauthorizedException('Session expired: sign in again.');
  }

  @Put('token')
  @AblyTokenRoute()
  put(@Headers('x-user') id: string): AppUser {
    return { id };
  }
}

@Controller('help')
@ChatGrants(supportGrants)
class HelpDeskController {
  @Get('token')
  @AblyTokenRoute()
  token(@Headers('x-user') id: string): AppUser {
    return { id };
  }

  @Get('token/vip')
  @AblyTokenRoute()
  @ChatGrants({ 'help-desk': 'all', vip: 'all' })
  vip(@Headers('x-user') id: string): AppUser {
    return { id };
  }

  @Get('token/agent')
  @AblyTokenRoute()
  @ChatUserClaims((user: AppUser) => Promise.resolve({ 'help-desk': { role: 'agent', display_name: `Agent ${user.id}` } }))
  agent(@Headers('x-user') id: string): AppUser {
    return { id };
  }
}

describe.each(PLATFORMS)('@AblyTokenRoute() and @ChatGrants() on %s', (platform) => {
  let server: TestApp;
  /** What the module logged (core and the route's exception filter). */
  const logs: string[] = [];
  const watcher = new ErrorWatchingInterceptor();

  beforeAll(async () => {
    server = await startApp(
      platform,
      {
        imports: [
          AblyChatAuthModule.forRoot({
            apiKey: API_KEY,
            policy: appPolicy,
            mountRoute: false,
            logger: { error: (message: string) => void logs.push(message), warn: (message: string) => void logs.push(message) },
          }),
        ],
        controllers: [ChatTokenController, HelpDeskController, ControlController],
        providers: [BearerStrategy],
      },
      (app) => {
        app.useGlobalFilters(new HijackingExceptionFilter(app.get(HttpAdapterHost)));
        app.useGlobalInterceptors(new WrappingInterceptor(), watcher);
      },
    );
  });

  afterAll(() => server.close());

  it('an app-wide interceptor watching errors sees an Error (an HttpException of the status), never a foreign object nor the token', async () => {
    watcher.seen.length = 0;
    const answer = await request(`${server.baseUrl}/chat/token`, { headers: { 'x-user': 'wes' } });
    const payload = await expectToken(answer);
    expect(payload['x-ably-clientId']).toBe('wes');
    expectAblyError(await request(`${server.baseUrl}/chat/token`), 401, 40100);
    expect(watcher.seen).toHaveLength(2);
    for (const seen of watcher.seen) {
      expect(seen).toBeInstanceOf(HttpException);
      expect(seen).toBeInstanceOf(Error);
      for (const shown of [inspect(seen, { depth: 5 }), JSON.stringify(seen), JSON.stringify((seen as HttpException).getResponse())]) {
        expect(shown).not.toContain(answer.body);
      }
    }
    expect(watcher.seen.map((seen) => (seen as HttpException).getStatus())).toEqual([200, 401]);
  });

  it('the app-wide filter and interceptor are active on ordinary routes', async () => {
    expect(JSON.parse((await request(`${server.baseUrl}/hello`)).body)).toEqual({ data: 'hi' });
    expect((await request(`${server.baseUrl}/boom`)).status).toBe(418);
  });

  it('the returned user gets a token under the module policy; the method’s own parameters are intact', async () => {
    seen.length = 0;
    const payload = await expectToken(await request(`${server.baseUrl}/chat/token?suffix=-2`, { headers: { 'x-user': 'alice' } }));
    expect(payload['x-ably-clientId']).toBe('alice-2');
    expect(Object.keys(capabilityOf(payload)).sort()).toEqual(['dms:alice-2:*', 'lobby']);
    // The method gets exactly its own parameters: the library adds none.
    expect(seen).toEqual([['alice', '-2', 0]]);
  });

  it('null user: 401 in Ably’s shape', async () => {
    expectAblyError(await request(`${server.baseUrl}/chat/token`), 401, 40100);
  });

  it('the module policy granting nothing: 403', async () => {
    // appPolicy bans users with role 'banned': reach it through the passport route.
    expectAblyError(await request(`${server.baseUrl}/chat/token`, { method: 'POST', headers: bearer('token-banned') }), 403, 40300);
  });

  it('with @nestjs/passport on the method: the guard’s 401 in Ably’s shape, the passport user gets a token', async () => {
    expectAblyError(await request(`${server.baseUrl}/chat/token`, { method: 'POST' }), 401, 40100);
    const payload = await expectToken(await request(`${server.baseUrl}/chat/token`, { method: 'POST', headers: bearer('token-bob') }));
    expect(payload['x-ably-clientId']).toBe('bob');
  });

  it('@ChatGrants(async fn) on the method replaces the module policy', async () => {
    expect(capabilityOf(await expectToken(await request(`${server.baseUrl}/chat/agents`, { headers: { 'x-user': 'mia' } })))).toEqual({
      'support:*': expect.arrayContaining(['message-delete-any', 'publish', 'subscribe']),
    });
    expect(Object.keys(capabilityOf(await expectToken(await request(`${server.baseUrl}/chat/agents`, { headers: { 'x-user': 'sam' } }))))).toEqual([
      'support:sam',
    ]);
  });

  it('@ChatGrants returning nothing: 403, which the real Ably client sees as 40300', async () => {
    expectAblyError(await request(`${server.baseUrl}/chat/nothing`), 403, 40300);
    const client = new Ably.Rest({ authUrl: `${server.baseUrl}/chat/nothing`, logLevel: 0 });
    await expect(client.auth.requestToken()).rejects.toMatchObject({ statusCode: 403, code: 40300 });
  });

  it('@ChatGrants on the class applies to its methods; the method’s own wins', async () => {
    expect(Object.keys(capabilityOf(await expectToken(await request(`${server.baseUrl}/help/token`, { headers: { 'x-user': 'tom' } }))))).toEqual([
      'help-desk',
    ]);
    expect(Object.keys(capabilityOf(await expectToken(await request(`${server.baseUrl}/help/token/vip`, { headers: { 'x-user': 'tom' } })))).sort()).toEqual([
      'help-desk',
      'vip',
    ]);
  });

  it('a method that throws: 500 in Ably’s shape without the cause, not the app filter’s 418', async () => {
    const answer = await request(`${server.baseUrl}/chat/broken`);
    expectAblyError(answer, 500, 50000);
    expect(answer.body).not.toContain('user table');
  });

  it('a method that throws an HttpException: its status and message, in Ably’s shape', async () => {
    expect(expectAblyError(await request(`${server.baseUrl}/chat/expired`), 401, 40100)).toBe('Session expired: sign in again.');
  });

  it('@ChatUserClaims on a method signs its claims (stable key order); other methods carry none', async () => {
    const payload = await expectToken(await request(`${server.baseUrl}/help/token/agent`, { headers: { 'x-user': 'zoe' } }));
    expect(payload['ably.room.help-desk']).toBe('{"display_name":"Agent zoe","role":"agent"}');
    const plain = await expectToken(await request(`${server.baseUrl}/help/token`, { headers: { 'x-user': 'zoe' } }));
    expect(Object.keys(plain).filter((name) => name.startsWith('ably.room.'))).toEqual([]);
  });

  it('@ChatUserClaims with something that is not claims stops the app at declaration', () => {
    let thrown: unknown;
    try {
      class Declared {
        @ChatUserClaims('display_name' as never)
        token(): void {}
      }
      void Declared;
    } catch (error) {
      thrown = error;
    }
    expect(isAblyChatAuthError(thrown, 'ERR_INVALID_OPTIONS')).toBe(true);
  });

  it('the app picks the verb: a PUT token route answers 200', async () => {
    expect((await expectToken(await request(`${server.baseUrl}/chat/token`, { method: 'PUT', headers: { 'x-user': 'uma' } })))['x-ably-clientId']).toBe('uma');
  });

  it('the real ably client gets a token from a decorated route (authUrl, POST, passport)', async () => {
    const client = new Ably.Rest({ authUrl: `${server.baseUrl}/chat/token`, authMethod: 'POST', authHeaders: bearer('token-alice'), logLevel: 0 });
    const details = await client.auth.requestToken({ clientId: 'mallory' });
    expect(decodeAblyToken(details.token).clientId).toBe('alice');
  });

  it('logged one fault only, the broken method’s: no answer was sent twice', () => {
    // Were Nest to send the returned user as well, Express would throw "headers already sent"
    // into the route's exception filter, which logs it.
    expect(logs).toEqual([expect.stringContaining('threw before answering')]);
  });
});

describe('@ChatGrants() checks static grants when the class is declared', () => {
  it.each([
    ['an unknown feature', { lobby: ['shout'] }, 'ERR_UNKNOWN_FEATURE'],
    ['grants that give nothing', {}, 'ERR_INVALID_GRANTS'],
    ['a bad room pattern', { 'foo*': 'all' }, 'ERR_INVALID_ROOM_PATTERN'],
    ['no grants at all', undefined, 'ERR_INVALID_OPTIONS'],
    ['a string', 'lobby', 'ERR_INVALID_OPTIONS'],
  ])('%s', (_what, grants, code) => {
    let thrown: unknown;
    try {
      class Declared {
        @ChatGrants(grants as ChatGrants)
        token(): void {}
      }
      void Declared;
    } catch (error) {
      thrown = error;
    }
    expect(isAblyChatAuthError(thrown)).toBe(true);
    expect((thrown as { code: string }).code).toBe(code);
  });
});

describe('@ChatGrants() leaves privileged operations to the module’s allowPrivilegedOperations', () => {
  @Controller('ops')
  class OpsController {
    @Get('token')
    @AblyTokenRoute()
    @ChatGrants({ lobby: 'op:push-admin' })
    token(@Headers('x-user') id: string): AppUser {
      return { id };
    }
  }

  it.each([
    [true, 200],
    [false, 500],
  ])('allowPrivilegedOperations: %s answers %s', async (allowPrivilegedOperations, status) => {
    const server = await startApp('express', {
      imports: [AblyChatAuthModule.forRoot({ apiKey: API_KEY, policy: appPolicy, mountRoute: false, allowPrivilegedOperations, logger: false })],
      controllers: [OpsController],
    });
    try {
      const answer = await request(`${server.baseUrl}/ops/token`, { headers: { 'x-user': 'olga' } });
      expect(answer.status).toBe(status);
      if (status === 200) expect(capabilityOf(await expectToken(answer))).toEqual({ lobby: ['push-admin'] });
      else expectAblyError(answer, 500, 50000);
    } finally {
      await server.close();
    }
  });
});
