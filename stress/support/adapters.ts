/* Every adapter under stress, mounted once. Each factory takes a StressSetup (core options plus the
 * session resolver and a recorder) and serves the token route at TOKEN_PATH on 127.0.0.1:<random>.
 * Soak, fuzz and fault scenarios all start adapters from this list. */
import 'reflect-metadata';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { listenOnLoopback } from '@ably-chat-auth/adapter-contract';
import { createFetchTokenRoute } from '@ably-chat-auth/core/fetch';
import { listenNestApp } from '@ably-chat-auth/adapter-contract/testing';
import { createTokenMiddleware as createExpressTokenMiddleware } from '@ably-chat-auth/express';
import { ablyChatAuth } from '@ably-chat-auth/fastify';
import { createTokenMiddleware as createKoaTokenMiddleware } from '@ably-chat-auth/koa';
import { AblyChatAuthModule } from '@ably-chat-auth/nestjs';
import type { Recorder, StressSetup, StressUser } from './fixture';

export const TOKEN_PATH = '/api/ably-token';

type NodeHeaders = Record<string, string | string[] | undefined>;

/** A started adapter. */
export interface RunningAdapter {
  baseUrl: string;
  port: number;
  tokenPath: string;
  close: () => Promise<void>;
}

/**
 * What the fuzzer may see from the framework in front of the route, beyond core's own answers.
 * Each entry is justified in stress/README.md.
 */
export interface AdapterTraits {
  /** Statuses the app's body parsers answer to a body they cannot or will not parse (before the route runs). */
  bodyParserStatuses: readonly number[];
  /**
   * Methods that reach core on the token path. `'all'`: every method Node accepts (core answers
   * 405 to all but GET/POST). Otherwise the listed ones; the platform answers the rest
   * (`otherMethodStatuses`).
   */
  routedMethods: 'all' | readonly string[];
  /** What the platform answers on the token path to a method it does not route there. */
  otherMethodStatuses: Readonly<Record<string, readonly number[]>>;
  /** Methods the Fetch API refuses to build a Request with (the bridge answers 400). */
  unbuildableMethods: readonly string[];
  /** What the router answers to a path with a percent-escape that does not decode (`/%zz`), besides 404. */
  badPathEscapeStatuses: readonly number[];
  /** Answers the platform may give a method on any path before routing, by method. */
  methodStatuses: Readonly<Record<string, readonly number[]>>;
}

/** One adapter under stress. */
export interface StressAdapter {
  name: string;
  traits: AdapterTraits;
  start(setup: StressSetup): Promise<RunningAdapter>;
}

function portOf(baseUrl: string): number {
  return Number(new URL(baseUrl).port);
}

function statusOf(error: unknown): number | undefined {
  const { status, statusCode } = (error ?? {}) as { status?: unknown; statusCode?: unknown };
  const value = typeof status === 'number' ? status : statusCode;
  return typeof value === 'number' ? value : undefined;
}

/** Framework-level errors go to the recorder: client errors (4xx) as `client-error`, anything else as `error`. */
function recordFrameworkError(recorder: Recorder, source: string, error: unknown): void {
  const status = statusOf(error);
  const level = status !== undefined && status < 500 ? 'client-error' : 'error';
  recorder.log(source, level, error instanceof Error ? error.message : String(error), { status, code: (error as { code?: unknown })?.code });
}

/**
 * Nest's own logger (bootstrap lines, its exception handler) into the recorder. Nest's
 * ExceptionsHandler logs at `error` level whatever Express middleware throws, including
 * body-parser's 400/413/415 client errors (it answers them with their status): those are recorded
 * as `client-error`, so only real faults count as `error`.
 */
function nestLogger(recorder: Recorder): LoggerService {
  const error = (message: unknown, ...rest: unknown[]) => {
    const status = statusOf(message);
    recorder.log('nest', status !== undefined && status < 500 ? 'client-error' : 'error', String(message), rest);
  };
  return {
    log: () => {},
    debug: () => {},
    verbose: () => {},
    warn: (message: unknown) => recorder.log('nest', 'warn', String(message)),
    error,
    fatal: error,
  };
}

const nestResolveUser =
  (setup: StressSetup) =>
  (req: { headers: NodeHeaders }): StressUser | null | Promise<StressUser | null> =>
    setup.resolveUserFromHeaders(req.headers);

const NEST_ROUTED = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Core's Fetch-API route behind a small node:http bridge, as Fetch-style servers (Hono's node
 * server, Next.js) turn a Node request into a `Request`: the body is buffered whole; a request the
 * Fetch API refuses to build (TRACE, CONNECT) is a 400; a client that leaves is let go.
 */
function fetchBridge(setup: StressSetup) {
  const handler = createFetchTokenRoute<StressUser>({ ...setup.options, resolveUser: (request) => setup.resolveUserFromHeaders(request.headers) });
  const send = (res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer) => {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, headers).end(body);
  };
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== TOKEN_PATH) {
        req.resume();
        send(res, 404, { 'content-type': 'text/plain' }, 'Not Found');
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      let request: Request;
      try {
        request = new Request(url, {
          method: req.method,
          headers: Object.entries(req.headers).flatMap(([name, value]) =>
            Array.isArray(value) ? value.map((v) => [name, v] as [string, string]) : value === undefined ? [] : [[name, value] as [string, string]],
          ),
          body: hasBody ? Buffer.concat(chunks) : undefined,
        });
      } catch (error) {
        setup.recorder.log('fetch-bridge', 'info', `Request refused by the Fetch API: ${(error as Error).message}`);
        send(res, 400, { 'content-type': 'text/plain' }, 'Bad Request');
        return;
      }
      const response = await handler(request);
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => (headers[name] = value));
      send(res, response.status, headers, Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      if (req.destroyed || res.destroyed) {
        setup.recorder.log('fetch-bridge', 'info', `client left: ${(error as Error).message}`);
        return;
      }
      recordFrameworkError(setup.recorder, 'fetch-bridge', error);
      send(res, 500, { 'content-type': 'text/plain' }, 'Internal Server Error');
    }
  };
}

export const STRESS_ADAPTERS: readonly StressAdapter[] = [
  {
    name: 'express 5',
    traits: {
      // express.json() / express.urlencoded(): malformed body 400, over 100 kB or over 1000 form
      // fields 413, unsupported charset or content-encoding 415.
      bodyParserStatuses: [400, 413, 415],
      routedMethods: 'all',
      otherMethodStatuses: {},
      unbuildableMethods: [],
      badPathEscapeStatuses: [],
      methodStatuses: {},
    },
    async start(setup) {
      const app = express();
      app.use(express.json());
      app.use(express.urlencoded({ extended: false }));
      app.use(TOKEN_PATH, createExpressTokenMiddleware<StressUser>({ ...setup.options, resolveUser: (req) => setup.resolveUserFromHeaders(req.headers) }));
      app.use((error: unknown, _req: express.Request, _res: express.Response, next: express.NextFunction) => {
        recordFrameworkError(setup.recorder, 'express', error);
        next(error);
      });
      const { baseUrl, close } = await listenOnLoopback(createServer(app));
      return { baseUrl, port: portOf(baseUrl), tokenPath: TOKEN_PATH, close };
    },
  },
  {
    name: 'koa 3',
    traits: { bodyParserStatuses: [], routedMethods: 'all', otherMethodStatuses: {}, unbuildableMethods: [], badPathEscapeStatuses: [], methodStatuses: {} },
    async start(setup) {
      const app = new Koa();
      // Listening replaces Koa's default console.error reporter: errors land in the recorder.
      app.on('error', (error: unknown) => recordFrameworkError(setup.recorder, 'koa', error));
      app.use(createKoaTokenMiddleware<StressUser>({ ...setup.options, path: TOKEN_PATH, resolveUser: (ctx) => setup.resolveUserFromHeaders(ctx.headers) }));
      const callback = app.callback();
      const { baseUrl, close } = await listenOnLoopback(createServer((req, res) => void callback(req, res)));
      return { baseUrl, port: portOf(baseUrl), tokenPath: TOKEN_PATH, close };
    },
  },
  {
    name: 'fastify 5 plugin',
    traits: {
      // The token route accepts every body unread (its own catch-all parser); a request for any
      // other path still meets Fastify's parsers: malformed JSON 400, over 1 MiB 413, no parser 415.
      bodyParserStatuses: [400, 413, 415],
      // The plugin routes these seven; Fastify answers any other method on the path 404.
      routedMethods: ['GET', 'POST', 'OPTIONS', 'HEAD', 'PUT', 'PATCH', 'DELETE'],
      otherMethodStatuses: { '*': [404] },
      unbuildableMethods: [],
      // find-my-way refuses to route a path it cannot decode: FST_ERR_BAD_URL.
      badPathEscapeStatuses: [400],
      // Fastify treats QUERY as a method with a body and refuses it without a Content-Type (400).
      methodStatuses: { QUERY: [400] },
    },
    async start(setup) {
      const app = Fastify({ forceCloseConnections: true });
      app.addHook('onError', async (_request, _reply, error) => recordFrameworkError(setup.recorder, 'fastify', error));
      await app.register(ablyChatAuth<StressUser>, {
        ...setup.options,
        path: TOKEN_PATH,
        resolveUser: (request) => setup.resolveUserFromHeaders(request.headers),
      });
      const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
      return { baseUrl, port: portOf(baseUrl), tokenPath: TOKEN_PATH, close: () => app.close() };
    },
  },
  {
    name: 'nestjs on express',
    traits: {
      // Nest's Express platform installs body-parser's json and urlencoded parsers (100 kB).
      bodyParserStatuses: [400, 413, 415],
      // The module's one @All() handler: Express routes every method to it, and core answers 405.
      routedMethods: 'all',
      otherMethodStatuses: {},
      unbuildableMethods: [],
      badPathEscapeStatuses: [],
      methodStatuses: {},
    },
    async start(setup) {
      const app = await NestFactory.create(AblyChatAuthModule.forRoot({ ...setup.options, resolveUser: nestResolveUser(setup) }), new ExpressAdapter(), {
        logger: nestLogger(setup.recorder),
        abortOnError: false,
        forceCloseConnections: true,
      });
      const { baseUrl, close } = await listenNestApp(app);
      return { baseUrl, port: portOf(baseUrl), tokenPath: TOKEN_PATH, close };
    },
  },
  {
    name: 'nestjs on fastify',
    traits: {
      // Fastify: malformed or empty JSON 400, over 1 MiB 413, a content type it has no parser for
      // 415 (see packages/nestjs/README.md "Platforms"; this app adds no catch-all parser).
      bodyParserStatuses: [400, 413, 415],
      // The module's one @All() handler: Fastify routes the methods it supports (its supportedMethods)
      // to it, and core answers 405; any other method on the path is Fastify's 404.
      routedMethods: [...NEST_ROUTED, 'HEAD', 'TRACE', 'QUERY'],
      otherMethodStatuses: { '*': [404] },
      unbuildableMethods: [],
      // find-my-way refuses to route a path it cannot decode: FST_ERR_BAD_URL.
      badPathEscapeStatuses: [400],
      // Fastify treats QUERY as a method with a body and refuses it without a Content-Type (400).
      methodStatuses: { QUERY: [400] },
    },
    async start(setup) {
      const app = await NestFactory.create<NestFastifyApplication>(
        AblyChatAuthModule.forRoot({ ...setup.options, resolveUser: nestResolveUser(setup) }),
        new FastifyAdapter(),
        { logger: nestLogger(setup.recorder), abortOnError: false, forceCloseConnections: true },
      );
      app
        .getHttpAdapter()
        .getInstance()
        .addHook('onError', (_request, _reply, error, done) => {
          recordFrameworkError(setup.recorder, 'fastify', error);
          done();
        });
      const { baseUrl, close } = await listenNestApp(app);
      return { baseUrl, port: portOf(baseUrl), tokenPath: TOKEN_PATH, close };
    },
  },
  {
    name: 'fetch route (node:http bridge)',
    traits: {
      bodyParserStatuses: [],
      routedMethods: 'all',
      otherMethodStatuses: {},
      // `new Request()` throws for these (Fetch "forbidden methods"); the bridge answers 400.
      unbuildableMethods: ['TRACE', 'TRACK', 'CONNECT'],
      badPathEscapeStatuses: [],
      methodStatuses: {},
    },
    async start(setup) {
      const bridge = fetchBridge(setup);
      const { baseUrl, close } = await listenOnLoopback(createServer((req, res) => void bridge(req, res)));
      return { baseUrl, port: portOf(baseUrl), tokenPath: TOKEN_PATH, close };
    },
  },
];
