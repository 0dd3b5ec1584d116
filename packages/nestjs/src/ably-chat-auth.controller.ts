import { All, Controller, Inject, Logger, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { ExecutionContext, OnApplicationBootstrap, Type } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import { isObservable, map, type Observable } from 'rxjs';
import { TokenRouteGuardDenial } from './ably-chat-auth.exceptions.js';
import { AblyChatAuthExceptionFilter } from './ably-chat-auth.filter.js';
import type { TokenRouteGuard } from './ably-chat-auth.options.js';
import { toTokenRouteRequest, writeTokenRouteResponse } from './ably-chat-auth.platform.js';
import { AblyChatAuthService } from './ably-chat-auth.service.js';

type GuardResult = boolean | Promise<boolean> | Observable<boolean>;

const allowOrDeny = (allowed: boolean): boolean => {
  if (!allowed) throw new TokenRouteGuardDenial();
  return true;
};

function denyOnFalse(result: GuardResult): GuardResult {
  if (isObservable(result)) return result.pipe(map(allowOrDeny));
  return result instanceof Promise ? result.then(allowOrDeny) : allowOrDeny(result);
}

/**
 * A guard of the built-in route, with its `false` turned into {@link TokenRouteGuardDenial}. A
 * class stays a class (a subclass, so Nest still injects its dependencies); an instance is wrapped.
 */
function reportingDenial(guard: TokenRouteGuard): TokenRouteGuard {
  if (typeof guard !== 'function') return { canActivate: (context: ExecutionContext) => denyOnFalse(guard.canActivate(context)) };
  const Guard = guard;
  const Reporting = class extends Guard {
    override canActivate(context: ExecutionContext): GuardResult {
      return denyOnFalse(super.canActivate(context));
    }
  };
  Object.defineProperty(Reporting, 'name', { value: Guard.name });
  return Reporting;
}

const trimSlashes = (path: string): string => path.replace(/^\/+|\/+$/g, '');

/** The warning for a path that repeats the global prefix (`'/api/ably-token'` under `api` is served at `/api/api/ably-token`). */
function doubledPrefixWarning(path: string, config: ApplicationConfig): string | undefined {
  const prefix = trimSlashes(config.getGlobalPrefix());
  const route = trimSlashes(path);
  if (prefix === '' || !(route === prefix || route.startsWith(`${prefix}/`))) return undefined;
  const excluded = (config.getGlobalPrefixOptions().exclude ?? []).some(({ pathRegex }) => pathRegex.test(`/${route}`));
  if (excluded) return undefined;
  const relative = trimSlashes(route.slice(prefix.length)) || 'ably-token';
  return (
    `AblyChatAuthModule: the token route's path '${path}' already starts with the app's global prefix '${prefix}', ` +
    `so the route is served at /${prefix}/${route}. Pass path: '${relative}' (the prefix is added to it) to serve /${prefix}/${relative}.`
  );
}

/**
 * The built-in route's controller, one class per `forRoot`/`forRootAsync` call since the path is
 * known only then. One `@All()` handler, so core answers every method as on every adapter: GET and
 * POST get the token, an allowed origin's preflight 204, any other (HEAD too) 405 in Ably's shape.
 */
export function createTokenRouteController(path: string, guards: readonly TokenRouteGuard[]): Type<unknown> {
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
