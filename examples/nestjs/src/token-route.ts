import type { DynamicModule } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Logger } from '@ably-chat-auth/core';
import { AblyChatAuthModule, type AblyChatAuthModuleOptions } from '@ably-chat-auth/nestjs';
import { demoClientId, demoPolicy, demoUserClaims, type DemoConfig, type DemoUser } from '@ably-chat-auth-examples/shared';
import type { Request } from 'express';
import { sessionUser } from './demo-session.js';

/** The config key under which ConfigService holds the demo's settings (read from the environment by the shared kit). */
export const DEMO_CONFIG = 'demo';

/**
 * The token route, imported into the app's module: GET and POST `/api/ably-token` (the `api`
 * global prefix + `ably-token`), the key read through `@nestjs/config`. The `token` throttler of
 * `rate-limits.ts` limits it; the module's filter answers its 429 in Ably's error shape.
 */
export function tokenRouteModule(options: { logger?: Logger | false } = {}): DynamicModule {
  return AblyChatAuthModule.forRootAsync({
    path: 'ably-token',
    inject: [ConfigService],
    useFactory: (configService: ConfigService): AblyChatAuthModuleOptions<DemoUser, Request> => ({
      apiKey: configService.getOrThrow<DemoConfig>(DEMO_CONFIG).apiKey,
      resolveUser: sessionUser, // the express-session user set by POST /login; never read from the request
      policy: demoPolicy, // lobby: all; announcements: read-only (admin moderates); own DMs; banned: 403
      userClaims: demoUserClaims,
      clientId: demoClientId,
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    }),
  });
}
