/* Express-specific behaviour; the HTTP contract every adapter shares runs in contract-express*.test.ts. */
import { expect } from '@jest/globals';
import { createServer } from 'node:http';
import express5 from 'express';
import express4 from 'express4';
import type { ErrorRequestHandler, Express, RequestHandler } from 'express';
import session from 'express-session';
import passport from 'passport';
import { decodeAblyToken, isAblyChatAuthError, verifyAblyToken } from '@ably-chat-auth/core';
import { listenOnLoopback } from '@ably-chat-auth/adapter-contract';
import { createTokenHandler, createTokenMiddleware, room, type ExpressTokenMiddlewareOptions } from '@ably-chat-auth/express';

const API_KEY = 'expressApp.expressKey:ZXhwcmVzcy10ZXN0LXNlY3JldC1ub3QtcmVhbA';

interface AppUser {
  id: string;
  name: string;
}

const policy = (user: AppUser) => ({ lobby: 'all' as const, [room`dms:${user.id}:*`]: ['send', 'receive', 'history'] as const });

/** Passport's convention, without Passport: an earlier middleware puts the user on req.user. */
const userFromBearer: RequestHandler = (req, _res, next) => {
  const match = /^Bearer (\w+)$/.exec(req.headers.authorization ?? '');
  if (match) (req as unknown as { user?: AppUser }).user = { id: match[1]!, name: match[1]! };
  next();
};

const bearer = (id: string) => ({ authorization: `Bearer ${id}` });

/** What the error handler saw; the app answers 599 so a test can tell next(err) from a core answer. */
function errorRecorder(): { errors: unknown[]; handler: ErrorRequestHandler } {
  const errors: unknown[] = [];
  return {
    errors,
    handler: (error, _req, res, _next) => {
      errors.push(error);
      res
        .status(599)
        .type('text/plain')
        .send(`error handler: ${(error as Error).message}`);
    },
  };
}

async function serve(app: Express): Promise<{ url(path: string): string; close(): Promise<void> }> {
  const { baseUrl, close } = await listenOnLoopback(createServer(app));
  return { url: (path) => `${baseUrl}${path}`, close };
}

async function clientIdOf(token: string): Promise<string | undefined> {
  return (await verifyAblyToken(token, API_KEY)).clientId;
}

async function text(response: Response): Promise<{ status: number; body: string; type: string | null }> {
  return { status: response.status, body: await response.text(), type: response.headers.get('content-type') };
}

describe('createTokenMiddleware: options', () => {
  it('validates at creation: a malformed key fails at startup, without echoing the value', () => {
    let caught: unknown;
    try {
      createTokenMiddleware({ apiKey: 'not-a-key-but-maybe-a-secret', policy: { lobby: 'all' } });
    } catch (error) {
      caught = error;
    }
    expect(isAblyChatAuthError(caught) && caught.code).toBe('ERR_INVALID_API_KEY');
    expect((caught as Error).message).not.toContain('not-a-key-but-maybe-a-secret');
  });

  it('validates at creation: no options, a policy that grants nothing, a resolver that is not a function', () => {
    expect(() => createTokenMiddleware(undefined as unknown as ExpressTokenMiddlewareOptions)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
    );
    expect(() => createTokenMiddleware({ apiKey: API_KEY, policy: { lobby: [] } })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_GRANTS' }));
    expect(() => createTokenMiddleware({ apiKey: API_KEY, policy: { lobby: 'all' }, resolveUser: 'req.user' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
    );
  });
});

describe('createTokenMiddleware: the path option is checked at creation', () => {
  it.each([
    ['a relative path', 'api/ably-token'],
    ['a query string', '/api/ably-token?x=1'],
    ['a fragment', '/api#token'],
    ['whitespace', '/api/ably token'],
    ['an empty string', ''],
    ['a number', 42],
    ['null', null],
  ])('%s is refused', (_what, path) => {
    expect(() => createTokenMiddleware({ apiKey: API_KEY, policy: { lobby: 'all' }, path: path as string })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTIONS', message: expect.stringMatching(/path must be a URL path starting with '\/'/) }),
    );
  });
});

describe.each([
  ['express 5', express5],
  ['express 4', express4],
])('%s', (_name, express) => {
  describe('default resolver: req.user (the Passport convention)', () => {
    let server: Awaited<ReturnType<typeof serve>>;
    beforeAll(async () => {
      const app = express();
      app.use(userFromBearer);
      app.use('/api/ably-token', createTokenMiddleware<AppUser>({ apiKey: API_KEY, policy, logger: false }));
      server = await serve(app);
    });
    afterAll(() => server.close());

    it('issues a token for req.user, clientId = user.id', async () => {
      const answer = await text(await fetch(server.url('/api/ably-token'), { headers: bearer('alice') }));
      expect(answer).toMatchObject({ status: 200, type: 'application/jwt' });
      expect(await clientIdOf(answer.body)).toBe('alice');
      expect(Object.keys(decodeAblyToken(answer.body).capability).sort()).toEqual(['dms:alice:*', 'lobby']);
    });

    it('answers 401 when req.user is not set', async () => {
      const answer = await text(await fetch(server.url('/api/ably-token'), { method: 'POST' }));
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 40100, statusCode: 401 } });
    });
  });

  describe('mounting', () => {
    let server: Awaited<ReturnType<typeof serve>>;
    let reachedFallback: string[];
    beforeAll(async () => {
      reachedFallback = [];
      const app = express();
      const requireLogin: RequestHandler = (req, res, next) => {
        if ((req as unknown as { user?: AppUser }).user) return next();
        res.status(401).json({ error: { message: 'Log in first.', code: 40100, statusCode: 401 } });
      };
      // A catch-all route that calls next(): Express leaves req.route set to it afterwards.
      app.all(/^\/api\//, (_req, _res, next) => next());
      app.use(userFromBearer);
      const options = { apiKey: API_KEY, policy, logger: false as const };
      app.use('/api/ably-token', createTokenMiddleware<AppUser>(options));
      app.get('/route/get', requireLogin, createTokenHandler<AppUser>(options));
      app.post('/route/post', createTokenHandler<AppUser>(options));
      const router = express.Router();
      router.get('/', createTokenHandler<AppUser>(options));
      app.use('/router-mounted', router);
      app.use((req, res) => {
        reachedFallback.push(req.originalUrl);
        res.status(404).type('text/plain').send('not found');
      });
      server = await serve(app);
    });
    afterAll(() => server.close());

    it.each(['/api/ably-token', '/api/ably-token/', '/api/ably-token?clientId=mallory'])('app.use(path): answers %s', async (path) => {
      const answer = await text(await fetch(server.url(path), { headers: bearer('alice') }));
      expect(answer.status).toBe(200);
      expect(await clientIdOf(answer.body)).toBe('alice');
    });

    it.each(['/api/ably-token/x', '/api/ably-token/x/y', '/api/ably-token/.well-known'])(
      'app.use(path): passes the sub-path %s on with next()',
      async (path) => {
        const answer = await text(await fetch(server.url(path), { headers: bearer('alice') }));
        expect(answer).toEqual({ status: 404, body: 'not found', type: expect.stringMatching(/^text\/plain/) });
        expect(reachedFallback).toContain(path);
      },
    );

    it('app.get(path, requireLogin, middleware): behind an auth middleware', async () => {
      const refused = await fetch(server.url('/route/get'));
      expect(refused.status).toBe(401);
      expect(await refused.json()).toEqual({ error: { message: 'Log in first.', code: 40100, statusCode: 401 } });
      const answer = await text(await fetch(server.url('/route/get'), { headers: bearer('bob') }));
      expect(answer.status).toBe(200);
      expect(await clientIdOf(answer.body)).toBe('bob');
    });

    it('app.post(path, middleware) and router.get("/", middleware) answer their paths', async () => {
      const posted = await text(await fetch(server.url('/route/post'), { method: 'POST', headers: bearer('carol') }));
      expect(await clientIdOf(posted.body)).toBe('carol');
      const routed = await text(await fetch(server.url('/router-mounted'), { headers: bearer('dave') }));
      expect(await clientIdOf(routed.body)).toBe('dave');
    });
  });

  describe('app.use(middleware) at the app root, and the path option', () => {
    function recordingLogger(): { warnings: string[]; errors: string[]; logger: { warn(message: string): void; error(message: string): void } } {
      const warnings: string[] = [];
      const errors: string[] = [];
      return { warnings, errors, logger: { warn: (message) => void warnings.push(message), error: (message) => void errors.push(message) } };
    }

    function withHomePage(app: Express): void {
      app.get('/', (_req, res) => {
        res.type('text/html').send('<h1>home</h1>');
      });
      app.use((_req, res) => {
        res.status(404).type('text/plain').send('not found');
      });
    }

    it('without a mount path or path: the home page is served, nothing is answered, one warning says how to mount it', async () => {
      const { warnings, errors, logger } = recordingLogger();
      const app = express();
      app.use(userFromBearer);
      app.use(createTokenMiddleware<AppUser>({ apiKey: API_KEY, policy, logger }));
      withHomePage(app);
      const server = await serve(app);
      try {
        const home = await text(await fetch(server.url('/'), { headers: bearer('alice') }));
        expect(home).toEqual({ status: 200, body: '<h1>home</h1>', type: expect.stringMatching(/^text\/html/) });
        const again = await text(await fetch(server.url('/?x=1'), { headers: bearer('alice') }));
        expect(again.body).toBe('<h1>home</h1>');
        for (const [path, method] of [
          ['/', 'POST'],
          ['/api/ably-token', 'GET'],
        ] as const) {
          const answer = await fetch(server.url(path), { method, headers: bearer('alice') });
          expect({ path, status: answer.status, body: await answer.text(), errorCode: answer.headers.get('x-ably-errorcode') }).toEqual({
            path,
            status: 404,
            body: 'not found',
            errorCode: null,
          });
        }
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toContain("app.use('/api/ably-token', createTokenMiddleware(...))");
        expect(warnings[0]).toContain("path: '/api/ably-token'");
        expect(warnings[0]).toContain('GET / (your home page)');
        expect(errors).toEqual([]);
      } finally {
        await server.close();
      }
    });

    it('path: answers that exact path (any query string) at the app root, and passes everything else on, without a warning', async () => {
      const { warnings, logger } = recordingLogger();
      const app = express();
      app.use(userFromBearer);
      app.use(createTokenMiddleware<AppUser>({ apiKey: API_KEY, policy, logger, path: '/api/ably-token' }));
      withHomePage(app);
      const server = await serve(app);
      try {
        expect((await text(await fetch(server.url('/'), { headers: bearer('alice') }))).body).toBe('<h1>home</h1>');
        for (const path of ['/api/ably-token', '/api/ably-token?clientId=mallory']) {
          const answer = await text(await fetch(server.url(path), { method: 'POST', headers: bearer('alice') }));
          expect(answer).toMatchObject({ status: 200, type: 'application/jwt' });
          expect(await clientIdOf(answer.body)).toBe('alice');
        }
        for (const path of ['/api/ably-token/', '/api/ably-token/x', '/api']) {
          expect((await text(await fetch(server.url(path), { headers: bearer('alice') }))).body).toBe('not found');
        }
        expect((await fetch(server.url('/api/ably-token'), { method: 'PUT' })).headers.get('allow')).toBe('GET, POST');
        expect(warnings).toEqual([]);
      } finally {
        await server.close();
      }
    });

    it('path below a mount point: app.use("/api", middleware) with path "/ably-token", and in a router', async () => {
      const app = express();
      app.use(userFromBearer);
      app.use('/api', createTokenMiddleware<AppUser>({ apiKey: API_KEY, policy, logger: false, path: '/ably-token' }));
      const router = express.Router();
      router.use(createTokenMiddleware<AppUser>({ apiKey: API_KEY, policy, logger: false, path: '/token' }));
      app.use('/chat', router);
      withHomePage(app);
      const server = await serve(app);
      try {
        expect(await clientIdOf((await text(await fetch(server.url('/api/ably-token'), { headers: bearer('bob') }))).body)).toBe('bob');
        expect(await clientIdOf((await text(await fetch(server.url('/chat/token'), { headers: bearer('carol') }))).body)).toBe('carol');
        expect((await text(await fetch(server.url('/api'), { headers: bearer('bob') }))).body).toBe('not found');
      } finally {
        await server.close();
      }
    });

    it('as a route handler at the root (app.all("/", createTokenHandler(...))) it answers: the path was chosen explicitly', async () => {
      const { warnings, logger } = recordingLogger();
      const app = express();
      app.use(userFromBearer);
      app.all('/', createTokenHandler<AppUser>({ apiKey: API_KEY, policy, logger }));
      const server = await serve(app);
      try {
        expect(await clientIdOf((await text(await fetch(server.url('/'), { headers: bearer('dave') }))).body)).toBe('dave');
        expect(warnings).toEqual([]);
      } finally {
        await server.close();
      }
    });
  });

  describe('body parsers', () => {
    it.each([
      ['without body parsers', false],
      ['with express.json() and express.urlencoded()', true],
    ])('%s: the form or JSON body ably-js or an app may send is ignored', async (_label, parsers) => {
      const app = express();
      if (parsers) app.use(express.json(), express.urlencoded({ extended: true }));
      app.use(userFromBearer);
      const seenBodies: unknown[] = [];
      app.use('/token', (req, _res, next) => {
        seenBodies.push(req.body);
        next();
      });
      app.use('/token', createTokenMiddleware<AppUser>({ apiKey: API_KEY, policy, logger: false }));
      const server = await serve(app);
      try {
        const form = await text(
          await fetch(server.url('/token'), {
            method: 'POST',
            headers: { ...bearer('alice'), 'content-type': 'application/x-www-form-urlencoded' },
            body: 'clientId=mallory&capability=%7B%22*%22%3A%5B%22*%22%5D%7D',
          }),
        );
        const json = await text(
          await fetch(server.url('/token'), {
            method: 'POST',
            headers: { ...bearer('alice'), 'content-type': 'application/json' },
            body: JSON.stringify({ clientId: 'mallory', capability: { '*': ['*'] } }),
          }),
        );
        expect([form.status, json.status]).toEqual([200, 200]);
        expect([await clientIdOf(form.body), await clientIdOf(json.body)]).toEqual(['alice', 'alice']);
        expect(decodeAblyToken(json.body).capability).not.toHaveProperty('*');
        // The parsers really ran (or really did not): the forged fields were there to ignore.
        expect(seenBodies).toEqual(
          parsers ? [expect.objectContaining({ clientId: 'mallory' }), expect.objectContaining({ clientId: 'mallory' })] : [undefined, undefined],
        );
      } finally {
        await server.close();
      }
    });
  });

  describe('errors: answers stay with core, next(err) only for faults of Express itself', () => {
    let unhandled: unknown[];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    beforeEach(() => {
      unhandled = [];
      process.on('unhandledRejection', onUnhandled);
    });
    afterEach(() => {
      process.off('unhandledRejection', onUnhandled);
    });

    it('a throwing resolver or policy is an Ably-shaped 500, not next(err)', async () => {
      const app = express();
      const recorder = errorRecorder();
      const logged: string[] = [];
      const logger = { error: (message: string) => logged.push(message), warn: (message: string) => logged.push(message) };
      app.use(
        '/resolver',
        createTokenMiddleware<AppUser>({
          apiKey: API_KEY,
          policy,
          logger,
          resolveUser: () => Promise.reject(new Error('session store down')),
        }),
      );
      app.use(
        '/policy',
        createTokenMiddleware<AppUser>({
          apiKey: API_KEY,
          logger,
          resolveUser: () => ({ id: 'alice', name: 'Alice' }),
          policy: () => {
            throw new Error('grants table missing');
          },
        }),
      );
      app.use(recorder.handler);
      const server = await serve(app);
      try {
        for (const path of ['/resolver', '/policy']) {
          const answer = await text(await fetch(server.url(path)));
          expect(answer.status).toBe(500);
          expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 50000, statusCode: 500 } });
          expect(answer.body).not.toMatch(/session store|grants table/);
        }
        expect(recorder.errors).toEqual([]);
        expect(logged).toHaveLength(2);
      } finally {
        await server.close();
      }
    });

    it('never reads the query string: even one Express cannot parse (req.query throws) gets the token', async () => {
      const app = express();
      const recorder = errorRecorder();
      app.use((req, _res, next) => {
        Object.defineProperty(req, 'query', {
          get() {
            throw new Error('malformed query string');
          },
        });
        next();
      });
      app.use('/token', createTokenMiddleware<AppUser>({ apiKey: API_KEY, policy, resolveUser: () => ({ id: 'alice', name: 'Alice' }), logger: false }));
      app.use(recorder.handler);
      const server = await serve(app);
      try {
        const answer = await text(await fetch(server.url('/token?x=%')));
        expect(answer.status).toBe(200);
        expect(answer.body).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
        expect(recorder.errors).toEqual([]);
      } finally {
        await server.close();
      }
    });

    it('a response that cannot be written (after core answered) goes to next(err), never an unhandled rejection', async () => {
      const app = express();
      const recorder = errorRecorder();
      app.use('/token', (_req, res, next) => {
        const original = res.setHeader.bind(res);
        let refused = false;
        res.setHeader = ((name: string, value: string | number | readonly string[]) => {
          if (!refused && name.toLowerCase() === 'content-type') {
            refused = true;
            throw new Error('header refused');
          }
          return original(name, value);
        }) as typeof res.setHeader;
        next();
      });
      app.use('/token', createTokenMiddleware<AppUser>({ apiKey: API_KEY, policy, resolveUser: () => ({ id: 'alice', name: 'Alice' }), logger: false }));
      app.use(recorder.handler);
      const server = await serve(app);
      try {
        const answer = await text(await fetch(server.url('/token')));
        expect(answer).toMatchObject({ status: 599, body: 'error handler: header refused' });
        expect(recorder.errors).toHaveLength(1);
        expect(unhandled).toEqual([]);
      } finally {
        await server.close();
      }
    });
  });

  describe('recipe: express-session login (the README quickstart)', () => {
    type SessionWithUser = session.Session & { user?: AppUser };
    let server: Awaited<ReturnType<typeof serve>>;
    beforeAll(async () => {
      const app = express();
      app.use(session({ secret: 'test-session-secret', resave: false, saveUninitialized: false }));
      app.use(express.urlencoded({ extended: false }));
      app.post('/login', (req, res) => {
        const name = String((req.body as { name?: string | string[] }).name ?? '');
        (req.session as SessionWithUser).user = { id: name.toLowerCase(), name };
        res.redirect(303, '/');
      });
      app.post('/logout', (req, res, next) => req.session.destroy((error) => (error ? next(error) : res.sendStatus(204))));
      app.use(
        '/api/ably-token',
        createTokenMiddleware({
          apiKey: API_KEY,
          resolveUser: (req) => (req.session as SessionWithUser).user,
          // The user's type is inferred from resolveUser: user.id is a string here.
          policy: (user) => ({ lobby: 'all', [room`dms:${user.id}:*`]: ['send', 'receive', 'history'] }),
          logger: false,
        }),
      );
      server = await serve(app);
    });
    afterAll(() => server.close());

    it('401 before login, a token after, 401 again after logout', async () => {
      expect((await fetch(server.url('/api/ably-token'))).status).toBe(401);
      const login = await fetch(server.url('/login'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'name=Alice',
        redirect: 'manual',
      });
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const answer = await text(await fetch(server.url('/api/ably-token'), { headers: { cookie } }));
      expect(answer.status).toBe(200);
      expect(await clientIdOf(answer.body)).toBe('alice');
      expect((await fetch(server.url('/logout'), { method: 'POST', headers: { cookie } })).status).toBe(204);
      expect((await fetch(server.url('/api/ably-token'), { headers: { cookie } })).status).toBe(401);
    });
  });

  describe('recipe: Passport sessions (default req.user resolver)', () => {
    let server: Awaited<ReturnType<typeof serve>>;
    beforeAll(async () => {
      const users = new Map<string, AppUser>([['u1', { id: 'u1', name: 'Uma' }]]);
      const authenticator = new passport.Passport();
      authenticator.serializeUser((user, done) => done(null, (user as unknown as AppUser).id));
      authenticator.deserializeUser((id: string, done) => done(null, (users.get(id) ?? false) as never));
      const app = express();
      app.use(session({ secret: 'test-session-secret', resave: false, saveUninitialized: false }));
      app.use(authenticator.initialize());
      app.use(authenticator.session());
      // Stands in for passport.authenticate('local'): the strategy's job is to call req.login.
      app.post('/login', (req, res, next) => req.login(users.get('u1') as never, (error) => (error ? next(error) : res.sendStatus(204))));
      app.use('/api/ably-token', createTokenMiddleware<AppUser>({ apiKey: API_KEY, policy, logger: false }));
      server = await serve(app);
    });
    afterAll(() => server.close());

    it('issues a token for the user Passport put on req.user', async () => {
      expect((await fetch(server.url('/api/ably-token'))).status).toBe(401);
      const login = await fetch(server.url('/login'), { method: 'POST' });
      expect(login.status).toBe(204);
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const answer = await text(await fetch(server.url('/api/ably-token'), { headers: { cookie } }));
      expect(answer.status).toBe(200);
      expect(await clientIdOf(answer.body)).toBe('u1');
    });
  });
});
