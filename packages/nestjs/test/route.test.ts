import 'reflect-metadata';
import {
  ForbiddenException,
  HttpException,
  Inject,
  Injectable,
  Module,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import * as Ably from 'ably';
import { AblyChatAuthModule, AblyChatAuthService } from '@ably-chat-auth/nestjs';
import { API_KEY, capabilityOf, expectAblyError, expectToken, PLATFORMS, request, SECRET, startApp, type TestApp } from './helpers';
import { appPolicy, bearer, BearerStrategy, ControlController, HijackingExceptionFilter, WrappingInterceptor, type AppUser } from './fixtures';

describe.each(PLATFORMS)('the built-in token route on %s', (platform) => {
  describe('behind @nestjs/passport AuthGuard, under a global prefix, with app-wide filter and interceptor', () => {
    let server: TestApp;
    let url: string;
    const issued: string[] = [];

    beforeAll(async () => {
      server = await startApp(
        platform,
        {
          imports: [
            AblyChatAuthModule.forRoot({
              apiKey: API_KEY,
              policy: appPolicy,
              ttl: '10m',
              guards: [AuthGuard('bearer')],
              // Under the app's global prefix 'api': /api/ably-token.
              path: 'ably-token',
              logger: false,
              hooks: { onTokenIssued: (event) => void issued.push(event.clientId) },
            }),
          ],
          controllers: [ControlController],
          providers: [BearerStrategy],
        },
        (app) => {
          app.setGlobalPrefix('api');
          app.useGlobalFilters(new HijackingExceptionFilter(app.get(HttpAdapterHost)));
          app.useGlobalInterceptors(new WrappingInterceptor());
        },
      );
      url = `${server.baseUrl}/api/ably-token`;
    });

    afterAll(() => server.close());

    it('the app-wide filter and interceptor are active on ordinary routes', async () => {
      expect(await request(`${server.baseUrl}/api/hello`).then((a) => JSON.parse(a.body) as unknown)).toEqual({ data: 'hi' });
      const boom = await request(`${server.baseUrl}/api/boom`);
      expect({ status: boom.status, body: JSON.parse(boom.body) as unknown }).toEqual({ status: 418, body: { hijacked: true } });
    });

    it('GET with a valid bearer token: a JWT for that user, with the policy’s rooms and the TTL', async () => {
      const payload = await expectToken(await request(url, { headers: bearer('token-alice') }));
      expect(payload['x-ably-clientId']).toBe('alice');
      expect(payload.exp! - payload.iat!).toBe(600);
      expect(Object.keys(capabilityOf(payload)).sort()).toEqual(['dms:alice:*', 'lobby']);
      expect(issued).toContain('alice');
    });

    it('POST with the form body ably-js sends: the token ignores the client’s clientId and capability', async () => {
      const answer = await request(url, {
        method: 'POST',
        headers: { ...bearer('token-bob'), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ clientId: 'mallory', capability: JSON.stringify({ '*': ['*'] }) }).toString(),
      });
      const payload = await expectToken(answer);
      expect(payload['x-ably-clientId']).toBe('bob');
      expect(capabilityOf(payload)['*']).toBeUndefined();
    });

    it('no bearer token: the guard’s 401 leaves in Ably’s shape, not the app filter’s 418', async () => {
      expect(expectAblyError(await request(url), 401, 40100)).toBe('Unauthorized');
      expectAblyError(await request(url, { method: 'POST', headers: bearer('token-unknown') }), 401, 40100);
    });

    it('a banned user: core’s 403', async () => {
      expectAblyError(await request(url, { headers: bearer('token-banned') }), 403, 40300);
    });

    it('PUT: core’s 405 with Allow: GET, POST', async () => {
      const answer = await request(url, { method: 'PUT', headers: bearer('token-alice') });
      expectAblyError(answer, 405, 40500);
      expect(answer.headers.get('allow')).toBe('GET, POST');
    });

    it('the real ably client gets the token through authUrl, and sees the guard’s 401 as ErrorInfo 40100', async () => {
      const client = new Ably.Rest({ authUrl: url, authMethod: 'POST', authHeaders: bearer('token-mod'), logLevel: 0 });
      const details = await client.auth.requestToken();
      const payload = await expectToken({
        status: 200,
        headers: new Headers({ 'content-type': 'application/jwt', 'cache-control': 'no-store', pragma: 'no-cache', 'x-content-type-options': 'nosniff' }),
        body: details.token,
      });
      expect(payload['x-ably-clientId']).toBe('mia');
      const anonymous = new Ably.Rest({ authUrl: url, logLevel: 0 });
      await expect(anonymous.auth.requestToken()).rejects.toMatchObject({ statusCode: 401, code: 40100 });
      const banned = new Ably.Rest({ authUrl: url, authHeaders: bearer('token-banned'), logLevel: 0 });
      await expect(banned.auth.requestToken()).rejects.toMatchObject({ statusCode: 403, code: 40300 });
    });

    it('the route is not at the unprefixed path', async () => {
      expect((await request(`${server.baseUrl}/ably-token`, { headers: bearer('token-alice') })).status).not.toBe(200);
    });
  });

  describe('custom path, no guard, the user left by a Nest middleware', () => {
    let server: TestApp;

    @Module({
      imports: [AblyChatAuthModule.forRoot({ apiKey: API_KEY, policy: appPolicy, path: 'chat/token', logger: false })],
      providers: [],
    })
    class AppModule implements NestModule {
      configure(consumer: MiddlewareConsumer): void {
        // On Fastify, Nest middleware gets the Node request: the user ends up on FastifyRequest.raw.
        consumer
          .apply((req: { headers: Record<string, string | undefined>; user?: AppUser }, _res: unknown, next: () => void) => {
            const id = req.headers['x-user'];
            if (id) req.user = { id };
            next();
          })
          .forRoutes('*');
      }
    }

    beforeAll(async () => {
      server = await startApp(platform, { imports: [AppModule] });
    });

    afterAll(() => server.close());

    it('reads req.user (or req.raw.user on Fastify) by default', async () => {
      const payload = await expectToken(await request(`${server.baseUrl}/chat/token`, { headers: { 'x-user': 'carol' } }));
      expect(payload['x-ably-clientId']).toBe('carol');
    });

    it('answers 401 in Ably’s shape when no user was set', async () => {
      expectAblyError(await request(`${server.baseUrl}/chat/token`, { method: 'POST' }), 401, 40100);
    });

    it('the default path is not mounted', async () => {
      expect((await request(`${server.baseUrl}/api/ably-token`, { headers: { 'x-user': 'carol' } })).status).toBe(404);
    });
  });

  describe('guards given as instances, and faults', () => {
    let server: TestApp;
    let failures = 0;

    beforeAll(async () => {
      server = await startApp(platform, {
        imports: [
          AblyChatAuthModule.forRoot({
            apiKey: API_KEY,
            policy: { lobby: 'all' },
            resolveUser: (req: { headers: Record<string, string | undefined> }) => {
              if (req.headers['x-user'] === 'explode') throw new Error(`session store down (${SECRET})`);
              return req.headers['x-user'] ? { id: req.headers['x-user'] } : null;
            },
            guards: [
              {
                canActivate: (context) => {
                  const header = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers['x-guard'];
                  if (header === 'throw') throw new Error('guard crashed');
                  if (header === 'busy') {
                    // As @nestjs/throttler does: a header on the response, then a 429.
                    context.switchToHttp().getResponse<{ header(name: string, value: string): unknown }>().header('Retry-After', '30');
                    throw new HttpException('Too many token requests.', 429);
                  }
                  return header !== 'deny';
                },
              },
            ],
            logger: { error: () => void (failures += 1), warn: () => undefined },
          }),
        ],
      });
    });

    afterAll(() => server.close());

    it('a guard returning false: 403 in Ably’s shape (the client stops retrying)', async () => {
      expect(expectAblyError(await request(`${server.baseUrl}/api/ably-token`, { headers: { 'x-guard': 'deny', 'x-user': 'dan' } }), 403, 40300)).toBe(
        'Forbidden: a guard of the token route refused this request.',
      );
    });

    it('a guard’s 429: Ably code 42910, with the Retry-After header it set', async () => {
      const answer = await request(`${server.baseUrl}/api/ably-token`, { headers: { 'x-guard': 'busy', 'x-user': 'dan' } });
      expect(expectAblyError(answer, 429, 42910)).toBe('Too many token requests.');
      expect(answer.headers.get('retry-after')).toBe('30');
    });

    it('a guard that crashes: 500 in Ably’s shape, logged, without the cause', async () => {
      const before = failures;
      const answer = await request(`${server.baseUrl}/api/ably-token`, { headers: { 'x-guard': 'throw', 'x-user': 'dan' } });
      expectAblyError(answer, 500, 50000);
      expect(answer.body).not.toContain('guard crashed');
      expect(failures).toBe(before + 1);
    });

    it('a resolver that throws: core’s 500, the cause (and the key) not sent', async () => {
      const answer = await request(`${server.baseUrl}/api/ably-token`, { headers: { 'x-user': 'explode' } });
      expectAblyError(answer, 500, 50000);
      expect(answer.body).not.toContain('session store');
      expect(answer.body).not.toContain(SECRET);
    });

    it('the guard lets others through', async () => {
      expect((await expectToken(await request(`${server.baseUrl}/api/ably-token`, { headers: { 'x-user': 'dan' } })))['x-ably-clientId']).toBe('dan');
    });
  });

  describe('a guard that returns false: 403 kept, and one warning that says to throw UnauthorizedException', () => {
    let server: TestApp;
    const warnings: string[] = [];
    const errors: string[] = [];

    /** The guard a new user writes first: "no session user, no entry". */
    @Injectable()
    class SignedInGuard implements CanActivate {
      canActivate(context: ExecutionContext): boolean {
        const req = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; user?: AppUser }>();
        if (req.headers['x-user'] === 'banned') throw new ForbiddenException('banned');
        if (req.headers['x-user']) req.user = { id: req.headers['x-user'] };
        return !!req.user;
      }
    }

    beforeAll(async () => {
      server = await startApp(platform, {
        imports: [
          AblyChatAuthModule.forRoot({
            apiKey: API_KEY,
            policy: { lobby: 'all' },
            guards: [SignedInGuard],
            logger: { error: (message) => void errors.push(message), warn: (message) => void warnings.push(message) },
          }),
        ],
      });
    });

    afterAll(() => server.close());

    it('an explicit ForbiddenException("banned"): 403 with its message, and no warning', async () => {
      expect(expectAblyError(await request(`${server.baseUrl}/api/ably-token`, { headers: { 'x-user': 'banned' } }), 403, 40300)).toBe('banned');
      expect(warnings).toEqual([]);
    });

    it('two plain denials: both 403, one warning through the module logger', async () => {
      for (const method of ['GET', 'POST']) {
        expect(expectAblyError(await request(`${server.baseUrl}/api/ably-token`, { method }), 403, 40300)).toBe(
          'Forbidden: a guard of the token route refused this request.',
        );
      }
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/returned false/);
      expect(warnings[0]).toMatch(/throw new UnauthorizedException\(\)/);
      expect(warnings[0]).toMatch(/never asks for a token again/);
      expect(errors).toEqual([]);
    });

    it('the guard lets signed-in users through', async () => {
      expect((await expectToken(await request(`${server.baseUrl}/api/ably-token`, { headers: { 'x-user': 'hal' } })))['x-ably-clientId']).toBe('hal');
      expect(warnings).toHaveLength(1);
    });
  });

  describe('OPTIONS on the built-in route (no CORS middleware): core answers, not the platform', () => {
    let server: TestApp;

    beforeAll(async () => {
      // The default path, as on every adapter: /api/ably-token.
      server = await startApp(platform, { imports: [AblyChatAuthModule.forRoot({ apiKey: API_KEY, policy: { lobby: 'all' }, logger: false })] });
    });

    afterAll(() => server.close());

    it.each([
      ['a bare OPTIONS', {}],
      ['a CORS preflight', { origin: 'https://chat.example', 'access-control-request-method': 'POST' }],
    ])('%s gets exactly what core answers for OPTIONS (today: 405 in Ably’s shape), not a 404', async (_what, headers: Record<string, string>) => {
      const answer = await request(`${server.baseUrl}/api/ably-token`, { method: 'OPTIONS', headers });
      const core = await server.app.get(AblyChatAuthService).handle({ method: 'OPTIONS', headers, native: { headers } });
      expect(answer.status).not.toBe(404);
      expect(answer.status).toBe(core.status);
      expect(answer.body).toBe(core.body);
      for (const [name, value] of Object.entries(core.headers)) expect(answer.headers.get(name)).toBe(value);
      if (core.status === 405) {
        expectAblyError(answer, 405, 40500);
        expect(answer.headers.get('allow')).toBe('GET, POST');
      }
    });

    // One handler takes every method: HEAD (which both platforms would route to a GET handler) and
    // methods no decorator names are core's 405 too, never the platform's 404.
    it.each(['HEAD', 'PUT', 'PATCH', 'DELETE'])('%s gets core’s 405 with Allow: GET, POST', async (method) => {
      const answer = await request(`${server.baseUrl}/api/ably-token`, { method, headers: { 'x-user': 'ivy' } });
      expect(answer.status).toBe(405);
      expect(answer.headers.get('allow')).toBe('GET, POST');
      expect(answer.headers.get('x-ably-errorcode')).toBe('40500');
      if (method !== 'HEAD') expectAblyError(answer, 405, 40500);
    });
  });

  describe('a guard class with its own dependency, from forRootAsync imports', () => {
    let server: TestApp;

    @Injectable()
    class SessionStore {
      find(sid: string | undefined): AppUser | undefined {
        return sid === 's-1' ? { id: 'fay' } : undefined;
      }
    }
    @Module({ providers: [SessionStore], exports: [SessionStore] })
    class SessionModule {}

    @Injectable()
    class SessionGuard implements CanActivate {
      constructor(@Inject(SessionStore) private readonly sessions: SessionStore) {}
      canActivate(context: ExecutionContext): boolean {
        const req = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; user?: AppUser }>();
        req.user = this.sessions.find(req.headers['x-session']);
        if (!req.user) throw new UnauthorizedException('No session.');
        return true;
      }
    }

    beforeAll(async () => {
      server = await startApp(platform, {
        imports: [
          AblyChatAuthModule.forRootAsync({
            imports: [SessionModule],
            useFactory: () => ({ apiKey: API_KEY, policy: { lobby: 'all' } }),
            guards: [SessionGuard],
            path: 'session/ably-token',
          }),
        ],
      });
    });

    afterAll(() => server.close());

    it('the guard is built in the module with its injection, and its user is used', async () => {
      expect((await expectToken(await request(`${server.baseUrl}/session/ably-token`, { headers: { 'x-session': 's-1' } })))['x-ably-clientId']).toBe('fay');
      expect(expectAblyError(await request(`${server.baseUrl}/session/ably-token`, { method: 'POST' }), 401, 40100)).toBe('No session.');
    });
  });

  describe('with app.enableCors()', () => {
    let server: TestApp;

    beforeAll(async () => {
      const fromHeader = (req: { headers: Record<string, string | undefined> }) => (req.headers['x-user'] ? { id: req.headers['x-user'] } : null);
      server = await startApp(
        platform,
        { imports: [AblyChatAuthModule.forRoot({ apiKey: API_KEY, policy: { lobby: 'all' }, resolveUser: fromHeader })] },
        (app) => app.enableCors({ origin: 'https://chat.example', allowedHeaders: ['x-user'] }),
      );
    });

    afterAll(() => server.close());

    it('the platform answers the preflight', async () => {
      const answer = await request(`${server.baseUrl}/api/ably-token`, {
        method: 'OPTIONS',
        headers: { origin: 'https://chat.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-user' },
      });
      expect(answer.status).toBe(204);
      expect(answer.headers.get('access-control-allow-origin')).toBe('https://chat.example');
    });

    it('the token answer keeps the CORS headers, besides its own', async () => {
      const answer = await request(`${server.baseUrl}/api/ably-token`, { method: 'POST', headers: { origin: 'https://chat.example', 'x-user': 'gus' } });
      expect((await expectToken(answer))['x-ably-clientId']).toBe('gus');
      expect(answer.headers.get('access-control-allow-origin')).toBe('https://chat.example');
      const refused = await request(`${server.baseUrl}/api/ably-token`, { headers: { origin: 'https://chat.example' } });
      expectAblyError(refused, 401, 40100);
      expect(refused.headers.get('access-control-allow-origin')).toBe('https://chat.example');
    });
  });

  describe('mountRoute: false', () => {
    @Injectable()
    class Probe {
      constructor(@Inject(AblyChatAuthService) readonly tokens: AblyChatAuthService) {}
    }

    it('mounts no route, while the service still signs', async () => {
      const server = await startApp(platform, {
        imports: [AblyChatAuthModule.forRoot({ apiKey: API_KEY, policy: { lobby: 'all' }, mountRoute: false })],
        providers: [Probe],
      });
      try {
        const answer = await request(`${server.baseUrl}/api/ably-token`, { headers: { 'x-user': 'x' } });
        expect(answer.status).toBe(404);
        expect(answer.headers.get('x-ably-errorcode')).toBeNull();
        expect(await server.app.get(Probe).tokens.issueForUser({ id: 'eve' })).toMatchObject({ clientId: 'eve' });
      } finally {
        await server.close();
      }
    });

    it('while by default the same app has the route', async () => {
      const server = await startApp(platform, { imports: [AblyChatAuthModule.forRoot({ apiKey: API_KEY, policy: { lobby: 'all' } })] });
      try {
        expectAblyError(await request(`${server.baseUrl}/api/ably-token`), 401, 40100);
      } finally {
        await server.close();
      }
    });
  });
});
