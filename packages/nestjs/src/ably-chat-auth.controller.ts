import { All, Controller, Inject, Logger, Req, Res, UseFilters, UseGuards, type CanActivate, type OnApplicationBootstrap, type Type } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import { AblyChatAuthExceptionFilter } from './ably-chat-auth.filter.js';
import { reportingDenial } from './ably-chat-auth.guards.js';
import { toTokenRouteRequest, writeTokenRouteResponse } from './ably-chat-auth.platform.js';
import { AblyChatAuthService } from './ably-chat-auth.service.js';
import { doubledPrefixWarning } from './ably-chat-auth.global-prefix.js';

/**
 * Builds the built-in token route's controller for one path and set of guards: the path must be
 * known when the module is declared, so each `forRoot`/`forRootAsync` call makes its own class.
 * One handler takes every method (`@All()`, on Express and Fastify alike), so core answers them
 * as on every adapter: GET and POST (what Ably clients send) get the token; the CORS preflight of
 * an origin in `allowedOrigins` gets 204; any other method, HEAD included, 405 with
 * `Allow: GET, POST` in Ably's shape rather than the platform's 404. A CORS middleware of the app
 * (`app.enableCors()`) answers preflights before any route, as before.
 */
export function createTokenRouteController(path: string, guards: readonly (Type<CanActivate> | CanActivate)[]): Type<unknown> {
  @Controller(path)
  @UseGuards(...guards.map(reportingDenial))
  @UseFilters(AblyChatAuthExceptionFilter)
  class AblyChatAuthTokenController implements OnApplicationBootstrap {
    constructor(
      @Inject(AblyChatAuthService) private readonly tokens: AblyChatAuthService,
      @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
      @Inject(ApplicationConfig) private readonly appConfig: ApplicationConfig,
    ) {}

    /** The global prefix is set after the module is built (`app.setGlobalPrefix`), so it is read once the app has started. */
    onApplicationBootstrap(): void {
      const warning = doubledPrefixWarning(path, this.appConfig);
      if (warning) new Logger('AblyChatAuthModule').warn(warning);
    }

    // core's promise, then the response: no async function (and its promise) around it per request.
    @All()
    token(@Req() req: unknown, @Res() res: unknown): Promise<void> {
      return this.tokens.handle(toTokenRouteRequest(req)).then((response) => writeTokenRouteResponse(this.adapterHost.httpAdapter, res, response));
    }
  }
  return AblyChatAuthTokenController;
}
