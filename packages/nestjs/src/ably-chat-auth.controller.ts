import {
  Controller,
  Delete,
  Get,
  Inject,
  Logger,
  Options,
  Patch,
  Post,
  Put,
  Req,
  Res,
  UseFilters,
  UseGuards,
  type CanActivate,
  type OnApplicationBootstrap,
  type Type,
} from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import { AblyChatAuthExceptionFilter } from './ably-chat-auth.filter.js';
import { AblyChatAuthService } from './ably-chat-auth.service.js';
import { doubledPrefixWarning } from './global-prefix-check.js';
import { toTokenRouteRequest, writeAnswer } from './http-platform.js';

/**
 * Builds the built-in token route's controller for one path and set of guards: the path must be
 * known when the module is declared, so each `forRoot`/`forRootAsync` call makes its own class.
 * GET and POST are what Ably clients send; PUT, PATCH, DELETE and OPTIONS are routed too, so
 * that core answers them as on every adapter: 405 with `Allow: GET, POST` in Ably's shape, and
 * for OPTIONS the CORS preflight of an origin in `allowedOrigins` gets 204 (any other OPTIONS
 * 405) rather than the platform's 404. HEAD reaches the GET handler (both platforms route it
 * there), so core answers it 405. A CORS middleware of the app (`app.enableCors()`) answers
 * preflights before any route, as before.
 */
export function createTokenRouteController(path: string, guards: readonly (Type<CanActivate> | CanActivate)[]): Type<unknown> {
  @Controller(path)
  @UseGuards(...guards)
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

    @Get()
    get(@Req() req: unknown, @Res() res: unknown): Promise<void> {
      return this.answer(req, res);
    }

    @Post()
    post(@Req() req: unknown, @Res() res: unknown): Promise<void> {
      return this.answer(req, res);
    }

    @Options()
    options(@Req() req: unknown, @Res() res: unknown): Promise<void> {
      return this.answer(req, res);
    }

    @Put()
    put(@Req() req: unknown, @Res() res: unknown): Promise<void> {
      return this.answer(req, res);
    }

    @Patch()
    patch(@Req() req: unknown, @Res() res: unknown): Promise<void> {
      return this.answer(req, res);
    }

    @Delete()
    delete(@Req() req: unknown, @Res() res: unknown): Promise<void> {
      return this.answer(req, res);
    }

    // core's promise, then the answer: no async function (and its promise) around it per request.
    private answer(req: unknown, res: unknown): Promise<void> {
      return this.tokens.handle(toTokenRouteRequest(req)).then((answer) => writeAnswer(this.adapterHost.httpAdapter, res, answer));
    }
  }
  return AblyChatAuthTokenController;
}
