import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService, registerAs } from '@nestjs/config';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import type { Logger } from '@ably-chat-auth/core';
import { demoRedisKeys, type DemoConfig } from '@ably-chat-auth-examples/shared';
import type { Redis } from 'ioredis';
import { JsonErrorFilter } from './json-error.filter.js';
import { PageController } from './page.controller.js';
import { DemoThrottlerGuard, demoThrottlerOptions } from './rate-limits.js';
import { SessionController } from './session.controller.js';
import { DEMO_CONFIG, tokenRouteModule } from './token-route.js';

/** Options of the example beyond the shared demo config. */
export interface NestExampleOptions {
  /** Where the token route logs faults; default `console`. `false` also quiets Nest's own logger. */
  logger?: Logger | false;
  /**
   * A connected client (`connectRedis(config.redisUrl)` from the shared kit): sessions
   * (connect-redis) and the throttlers' counters (`@nest-lab/throttler-storage-redis`) then live
   * in Redis, shared by every instance. Without it they are kept in this process's memory.
   */
  redis?: Redis;
}

/** Key prefixes of this app in Redis. */
export const REDIS_KEYS = demoRedisKeys('nestjs');

/**
 * The example's root module. The settings reach the token route and the rate limits through
 * `@nestjs/config` (`ConfigService` injected into the async factories), as in a real Nest app.
 */
@Module({})
export class AppModule {
  static forDemo(config: DemoConfig, options: NestExampleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [registerAs(DEMO_CONFIG, () => config)] }),
        ThrottlerModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (configService: ConfigService) => demoThrottlerOptions(configService.getOrThrow<DemoConfig>(DEMO_CONFIG), options.redis),
        }),
        // The token route: its whole wiring is src/token-route.ts.
        tokenRouteModule(options.logger === undefined ? {} : { logger: options.logger }),
      ],
      controllers: [PageController, SessionController],
      providers: [
        { provide: APP_GUARD, useClass: DemoThrottlerGuard },
        { provide: APP_FILTER, useClass: JsonErrorFilter },
      ],
    };
  }
}
