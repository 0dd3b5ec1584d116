import { Module, type Provider } from '@nestjs/common';
import { ABLY_CHAT_AUTH_OPTIONS, ABLY_CHAT_AUTH_TOKEN_ROUTE } from './ably-chat-auth.constants.js';
import { ConfigurableAblyChatAuthModule } from './ably-chat-auth.module-definition.js';
import { AblyChatAuthService, createModuleTokenRoute } from './ably-chat-auth.service.js';

const tokenRouteProvider: Provider = {
  provide: ABLY_CHAT_AUTH_TOKEN_ROUTE,
  useFactory: createModuleTokenRoute,
  inject: [ABLY_CHAT_AUTH_OPTIONS],
};

/**
 * Serves an Ably Chat token route and provides {@link AblyChatAuthService}. Options are validated
 * when the app starts: a bad key, TTL or policy stops `NestFactory.create` with core's message.
 *
 * @example
 * @Module({
 *   imports: [
 *     AblyChatAuthModule.forRoot({
 *       apiKey: process.env.ABLY_API_KEY!,
 *       policy: (user: AppUser) => ({ lobby: 'all', [`dms:${user.id}:*`]: ['send', 'receive', 'history'] }),
 *       guards: [AuthGuard('jwt')],
 *       isGlobal: true,
 *     }),
 *   ],
 * })
 * export class AppModule {}
 * // app.setGlobalPrefix('api') -> GET/POST /api/ably-token
 */
@Module({
  providers: [tokenRouteProvider, AblyChatAuthService],
  exports: [AblyChatAuthService, ABLY_CHAT_AUTH_OPTIONS],
})
export class AblyChatAuthModule extends ConfigurableAblyChatAuthModule {}
