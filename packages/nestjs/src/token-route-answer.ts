import type { TokenRouteResponse } from '@ably-chat-auth/core/adapter';

/**
 * Core's answer on its way from {@link AblyTokenRouteInterceptor} to
 * {@link AblyChatAuthExceptionFilter}: thrown, so that Nest's own response handling (status 201 for
 * POST, JSON serialisation) never runs, and written by the filter through `HttpAdapterHost`, the
 * documented way for a filter to answer on any platform. Not an `Error`: nothing went wrong.
 */
export class TokenRouteAnswer {
  constructor(readonly response: TokenRouteResponse) {}
}
