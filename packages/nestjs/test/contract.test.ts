/* The shared adapter contract, run against the module's built-in route on both Nest platforms. */
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { describeAdapterContract, type ContractSetup, type StartedAdapter } from '@ably-chat-auth/adapter-contract';
import { AblyChatAuthModule } from '@ably-chat-auth/nestjs';
import { startApp, type Platform } from './helpers';

type Headers = Record<string, string | string[] | undefined>;

function startNest(platform: Platform, configure: (app: INestApplication) => void = () => {}) {
  return async ({ options, resolveUserFromHeaders }: ContractSetup): Promise<StartedAdapter> => {
    const server = await startApp(
      platform,
      { imports: [AblyChatAuthModule.forRoot({ ...options, resolveUser: (req: { headers: Headers }) => resolveUserFromHeaders(req.headers) })] },
      configure,
    );
    return { baseUrl: server.baseUrl, tokenPath: '/api/ably-token', close: server.close };
  };
}

describeAdapterContract('NestJS on Express', startNest('express'));

describeAdapterContract(
  'NestJS on Fastify',
  startNest('fastify', (app) => {
    // Fastify answers 415 itself, before any route or guard runs, to a body whose content type has
    // no parser (Nest's adapter registers JSON and form parsers: what Ably clients send). The
    // contract POSTs an octet-stream body; an app that wants every body through adds a catch-all
    // parser, as here. This one never reads the body, which is the contract's point.
    (app as NestFastifyApplication)
      .getHttpAdapter()
      .getInstance()
      .addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  }),
);
