/* NestJS 11 on the Express or the Fastify platform (`nestjs.ts <express|fastify> <route>`), one route
 * per process (see shared.ts): AblyChatAuthModule's built-in route, or an ordinary controller
 * written the idiomatic Nest way (the token as the return value, @Header for the headers). */
import type { Server } from 'node:http';
import type { DynamicModule, Type } from '@nestjs/common';
import { AblyChatAuthModule } from '@ably-chat-auth/nestjs';
import { requireFrom } from './deps';
import { API_KEY, ROUTES, TOKEN_HEADERS, USER_HEADER, chatPolicy, routeToServe, runBenchServer, signerOf, userFromHeader, type BenchUser } from './shared';

const platform = process.argv[2] === 'fastify' ? 'fastify' : 'express';
const route = routeToServe();
const fromNest = requireFrom('nestjs');
fromNest('reflect-metadata'); // before any decorator runs
const { Controller, Get, Header, Headers, Module, UnauthorizedException } = fromNest('@nestjs/common') as typeof import('@nestjs/common');
const { NestFactory } = fromNest('@nestjs/core') as typeof import('@nestjs/core');

function referenceController(path: string, sign: (userId: string) => string): Type<unknown> {
  @Controller()
  class ReferenceTokenController {
    @Get(path)
    @Header('Content-Type', TOKEN_HEADERS['Content-Type']!)
    @Header('Cache-Control', TOKEN_HEADERS['Cache-Control']!)
    @Header('Pragma', TOKEN_HEADERS.Pragma!)
    @Header('X-Content-Type-Options', TOKEN_HEADERS['X-Content-Type-Options']!)
    token(@Headers(USER_HEADER) id: string | undefined): string {
      const user = userFromHeader({ [USER_HEADER]: id });
      if (!user) throw new UnauthorizedException('Not signed in');
      return sign(user.id);
    }
  }
  return ReferenceTokenController;
}

function benchModule(): Type<unknown> {
  const imports: DynamicModule[] = [];
  const controllers: Type<unknown>[] = [];
  if (route === 'adapter') {
    imports.push(
      AblyChatAuthModule.forRoot({
        path: ROUTES.adapter,
        apiKey: API_KEY,
        resolveUser: (req: { headers: Record<string, string | string[] | undefined> }) => userFromHeader(req.headers),
        policy: (user: BenchUser) => chatPolicy(user),
        logger: false,
      }),
    );
  } else {
    controllers.push(referenceController(ROUTES[route], signerOf(route)));
  }
  @Module({ imports, controllers })
  class BenchModule {}
  return BenchModule;
}

runBenchServer(`nestjs-${platform}`, route, async () => {
  let app;
  if (platform === 'fastify') {
    const { FastifyAdapter } = fromNest('@nestjs/platform-fastify') as typeof import('@nestjs/platform-fastify');
    app = await NestFactory.create(benchModule(), new FastifyAdapter(), { logger: false });
  } else {
    app = await NestFactory.create(benchModule(), { logger: false });
    // As in the Express bench: no ETag hash for no-store tokens (res.send would compute one for the reference route).
    const express = app.getHttpAdapter().getInstance() as { set(name: string, value: unknown): void };
    express.set('etag', false);
    express.set('x-powered-by', false);
  }
  await app.listen(0, '127.0.0.1');
  return app.getHttpServer() as Server;
});
