import { ForbiddenException, HttpException } from '@nestjs/common';
import type { TokenRouteResponse } from '@ably-chat-auth/core';

/**
 * Core's response on its way from {@link AblyTokenRouteInterceptor} to {@link AblyChatAuthExceptionFilter},
 * thrown so that Nest's own response handling (201 for POST, JSON) never runs. An `HttpException` with
 * the response's status, so an app-wide interceptor sees an ordinary Nest exception; the response (which
 * may hold a token) is in an ES private field, out of its message, `getResponse()`, `util.inspect` and `JSON.stringify`.
 */
export class TokenRouteResponseException extends HttpException {
  readonly #tokenRouteResponse: TokenRouteResponse;

  constructor(response: TokenRouteResponse) {
    super({ statusCode: response.status, message: 'The Ably token route answered; AblyChatAuthExceptionFilter writes its response.' }, response.status);
    this.name = 'TokenRouteResponseException';
    this.#tokenRouteResponse = response;
  }

  /** What the filter writes, byte for byte. */
  get tokenRouteResponse(): TokenRouteResponse {
    return this.#tokenRouteResponse;
  }
}

/** The 403 of a built-in route's guard that returned `false`: its class lets the filter warn that Ably clients take 403 as final. */
export class TokenRouteGuardDenial extends ForbiddenException {
  constructor() {
    super('Forbidden: a guard of the token route refused this request.');
    this.name = 'TokenRouteGuardDenial';
  }
}
