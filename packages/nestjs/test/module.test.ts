import 'reflect-metadata';
import { inspect } from 'node:util';
import { Controller, Get, Inject, Injectable, Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { decodeAblyToken } from '@ably-chat-auth/core';
import {
  ABLY_CHAT_AUTH_OPTIONS,
  AblyChatAuthExceptionFilter,
  AblyChatAuthModule,
  AblyTokenRouteInterceptor,
  AblyChatAuthService,
  isAblyChatAuthError,
  type AblyChatAuthModuleOptions,
  type ChatGrants,
  type AblyChatAuthOptionsFactory,
} from '@ably-chat-auth/nestjs';
import { checkAsyncOptionNames } from '../src/ably-chat-auth.options';
import { createModuleTokenRoute } from '../src/ably-chat-auth.module';
import { API_KEY, KEY_NAME, SECRET } from './helpers';

interface AppUser {
  id: string;
  role?: 'moderator';
}

const policy = (user: AppUser): ChatGrants => (user.role === 'moderator' ? { '*': 'moderator' } : { lobby: ['send', 'receive'] });

async function serviceOf(imports: NonNullable<Parameters<typeof Test.createTestingModule>[0]['imports']>): Promise<AblyChatAuthService<AppUser>> {
  const moduleRef = await Test.createTestingModule({ imports }).compile();
  return moduleRef.get(AblyChatAuthService);
}

/** The service signs with the key and the policy it was configured with. */
async function expectWorkingService(service: AblyChatAuthService<AppUser>, ttlSeconds = 3600): Promise<void> {
  const issued = await service.issueForUser({ id: 'alice' });
  expect(issued).toMatchObject({ clientId: 'alice', keyName: KEY_NAME, rooms: ['lobby'] });
  expect((issued!.expiresAt - issued!.issuedAt) / 1000).toBe(ttlSeconds);
  expect(service.issuer.keyName).toBe(KEY_NAME);
}

describe('AblyChatAuthModule.forRoot', () => {
  it('provides AblyChatAuthService and the options token, without the module extras in the options', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AblyChatAuthModule.forRoot({ apiKey: API_KEY, policy, ttl: '15m', path: 'chat/token', isGlobal: false, mountRoute: true, guards: [] })],
    }).compile();
    await expectWorkingService(moduleRef.get(AblyChatAuthService), 900);
    const options = moduleRef.get<AblyChatAuthModuleOptions>(ABLY_CHAT_AUTH_OPTIONS);
    expect(Object.keys(options).sort()).toEqual(['apiKey', 'policy', 'ttl']);
  });

  it('runs the policy per user and returns null when it grants nothing', async () => {
    const service = await serviceOf([
      AblyChatAuthModule.forRoot({ apiKey: API_KEY, policy: (user: AppUser) => (user.id === 'banned' ? null : { lobby: 'all' }) }),
    ]);
    expect(await service.issueForUser({ id: 'banned' })).toBeNull();
    const issued = await service.issueForUser({ id: 'bob' });
    expect(issued?.rooms).toEqual(['lobby']);
  });

  it('answers core requests through handle(): req.user by default', async () => {
    const service = await serviceOf([AblyChatAuthModule.forRoot({ apiKey: API_KEY, policy })]);
    const ok = await service.handle({ method: 'POST', native: { user: { id: 'carol', role: 'moderator' } } });
    expect(ok.status).toBe(200);
    const decoded = decodeAblyToken(ok.body);
    expect(decoded.clientId).toBe('carol');
    expect(decoded.capability['*']).toEqual(expect.arrayContaining(['message-delete-any', 'publish']));
    expect((await service.handle({ method: 'GET', native: {} })).status).toBe(401);
    // Fastify with a Nest middleware: the user is on the raw Node request.
    expect((await service.handle({ method: 'GET', native: { raw: { user: { id: 'dave' } } } })).status).toBe(200);
  });

  it("signs the module's userClaims, and per-call userClaims of respond() and issueForUser() replace them", async () => {
    const service = await serviceOf([
      AblyChatAuthModule.forRoot({ apiKey: API_KEY, policy, userClaims: (user: AppUser) => ({ '*': { display_name: user.id } }) }),
    ]);
    const fromModule = await service.handle({ method: 'GET', native: { user: { id: 'frank' } } });
    expect(decodeAblyToken(fromModule.body).userClaims).toEqual({ '*': '{"display_name":"frank"}' });
    const perCall = await service.respond({ id: 'gina' }, { headers: {} }, { userClaims: { lobby: { role: 'host' } } });
    expect(perCall.status).toBe(200);
    expect({ ...decodeAblyToken(perCall.body).userClaims }).toEqual({ lobby: '{"role":"host"}' });
    const issued = await service.issueForUser({ id: 'hal' }, undefined, { userClaims: (user) => ({ lobby: user.id }) });
    expect({ ...decodeAblyToken(issued!.token).userClaims }).toEqual({ lobby: 'hal' });
  });

  it('never shows the secret when the service is inspected or serialised', async () => {
    const service = await serviceOf([AblyChatAuthModule.forRoot({ apiKey: API_KEY, policy })]);
    await service.respond({ id: 'erin' }, { headers: {} }, { policy: { lobby: 'all' } });
    for (const shown of [inspect(service, { depth: 10, showHidden: true }), inspect(service.issuer, { depth: 10 }), JSON.stringify(service)]) {
      expect(shown).not.toContain(SECRET);
    }
  });
});

describe('builds without emitDecoratorMetadata (esbuild, SWC)', () => {
  it('every constructor parameter of the library has an explicit @Inject token', () => {
    const controller = AblyChatAuthModule.forRoot({ apiKey: API_KEY, policy }).controllers![0] as new (...args: never[]) => unknown;
    // AblyChatAuthService is not among them: the module's factory provider constructs it, not Nest's injector.
    for (const type of [AblyTokenRouteInterceptor, AblyChatAuthExceptionFilter, controller]) {
      // Nest's record of `@Inject()` parameters ('self:paramtypes'); emitted 'design:paramtypes' would be ignored here.
      const declared = (Reflect.getMetadata('self:paramtypes', type) ?? []) as { index: number; param: unknown }[];
      expect({ type: type.name, injected: declared.map((d) => d.index).sort() }).toEqual({
        type: type.name,
        injected: Array.from({ length: type.length }, (_, i) => i),
      });
      expect(declared.every((d) => typeof d.param === 'string' || typeof d.param === 'function')).toBe(true);
    }
  });
});

describe('AblyChatAuthModule.forRootAsync', () => {
  const env = { ABLY_API_KEY: API_KEY, ABLY_TOKEN_TTL: '20m' };

  it('useFactory with inject: [ConfigService] from @nestjs/config', async () => {
    const service = await serviceOf([
      AblyChatAuthModule.forRootAsync({
        imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => env] })],
        inject: [ConfigService],
        useFactory: (config: ConfigService) => ({ apiKey: config.getOrThrow<string>('ABLY_API_KEY'), ttl: config.get<string>('ABLY_TOKEN_TTL'), policy }),
      }),
    ]);
    await expectWorkingService(service, 1200);
  });

  it('useFactory that is async', async () => {
    const service = await serviceOf([
      AblyChatAuthModule.forRootAsync({
        useFactory: async () => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          return { apiKey: API_KEY, policy };
        },
      }),
    ]);
    await expectWorkingService(service);
  });

  it('useClass: the module instantiates the factory class, with its own injections', async () => {
    @Injectable()
    class AblyOptions implements AblyChatAuthOptionsFactory<AppUser> {
      constructor(@Inject(ConfigService) private readonly config: ConfigService) {}
      createAblyChatAuthOptions(): AblyChatAuthModuleOptions<AppUser> {
        return { apiKey: this.config.getOrThrow<string>('ABLY_API_KEY'), policy };
      }
    }
    const service = await serviceOf([
      AblyChatAuthModule.forRootAsync({ imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => env] })], useClass: AblyOptions }),
    ]);
    await expectWorkingService(service);
  });

  it('useExisting: reuses a provider exported by an imported module', async () => {
    let created = 0;
    @Injectable()
    class SharedAblyOptions implements AblyChatAuthOptionsFactory<AppUser> {
      constructor() {
        created += 1;
      }
      createAblyChatAuthOptions(): AblyChatAuthModuleOptions<AppUser> {
        return { apiKey: API_KEY, ttl: 600, policy };
      }
    }
    @Module({ providers: [SharedAblyOptions], exports: [SharedAblyOptions] })
    class SettingsModule {}

    const moduleRef = await Test.createTestingModule({
      imports: [SettingsModule, AblyChatAuthModule.forRootAsync({ imports: [SettingsModule], useExisting: SharedAblyOptions })],
    }).compile();
    await expectWorkingService(moduleRef.get(AblyChatAuthService), 600);
    expect(created).toBe(1);
  });

  it('takes path, guards, mountRoute and isGlobal beside the factory, not from it', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AblyChatAuthModule.forRootAsync({ useFactory: () => ({ apiKey: API_KEY, policy }), path: 'rt', mountRoute: false, isGlobal: true })],
    }).compile();
    const options = moduleRef.get<AblyChatAuthModuleOptions>(ABLY_CHAT_AUTH_OPTIONS);
    expect(Object.keys(options).sort()).toEqual(['apiKey', 'policy']);
  });
});

describe('isGlobal', () => {
  @Injectable()
  class ChatFeature {
    constructor(@Inject(AblyChatAuthService) readonly tokens: AblyChatAuthService<AppUser>) {}
  }
  @Module({ providers: [ChatFeature], exports: [ChatFeature] })
  class ChatFeatureModule {}

  it('true: a module that does not import AblyChatAuthModule can inject the service', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AblyChatAuthModule.forRoot({ apiKey: API_KEY, policy, isGlobal: true }), ChatFeatureModule],
    }).compile();
    await expectWorkingService(moduleRef.get(ChatFeature).tokens);
  });

  it('forRootAsync with isGlobal: true as well', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AblyChatAuthModule.forRootAsync({ useFactory: () => ({ apiKey: API_KEY, policy }), isGlobal: true }), ChatFeatureModule],
    }).compile();
    await expectWorkingService(moduleRef.get(ChatFeature).tokens);
  });

  it('false (the default): the same module cannot resolve the service', async () => {
    await expect(Test.createTestingModule({ imports: [AblyChatAuthModule.forRoot({ apiKey: API_KEY, policy }), ChatFeatureModule] }).compile()).rejects.toThrow(
      /AblyChatAuthService/,
    );
  });
});

describe('bad options stop the app at startup with core’s message', () => {
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ['a malformed key', { apiKey: 'not-a-key', policy: { lobby: 'all' } }, 'ERR_INVALID_API_KEY', /API key/i],
    ['a TTL over 24 h', { apiKey: API_KEY, policy: { lobby: 'all' }, ttl: '25h' }, 'ERR_INVALID_TTL', /ttl/i],
    ['a static policy with an unknown feature', { apiKey: API_KEY, policy: { lobby: ['shout'] } }, 'ERR_UNKNOWN_FEATURE', /shout/],
    ['a static policy that grants nothing', { apiKey: API_KEY, policy: {} }, 'ERR_INVALID_GRANTS', /grants nothing/],
    ['no policy', { apiKey: API_KEY }, 'ERR_INVALID_OPTIONS', /policy must be/],
  ];

  it.each(cases)('forRoot with %s', async (_what, options, code, message) => {
    const compiled = Test.createTestingModule({ imports: [AblyChatAuthModule.forRoot(options as unknown as AblyChatAuthModuleOptions)] }).compile();
    await expect(compiled).rejects.toThrow(message);
    await compiled.catch((error: unknown) => {
      expect(isAblyChatAuthError(error, code as never)).toBe(true);
      expect(String((error as Error).message)).not.toContain(SECRET);
    });
  });

  it.each(cases)('forRootAsync with %s', async (_what, options, code) => {
    const compiled = Test.createTestingModule({
      imports: [AblyChatAuthModule.forRootAsync({ useFactory: () => Promise.resolve(options as unknown as AblyChatAuthModuleOptions) })],
    }).compile();
    await expect(compiled).rejects.toMatchObject({ code });
  });

  it('a factory that returns nothing', async () => {
    const compiled = Test.createTestingModule({
      imports: [AblyChatAuthModule.forRootAsync({ useFactory: () => undefined as unknown as AblyChatAuthModuleOptions })],
    }).compile();
    await expect(compiled).rejects.toThrow(/forRootAsync factory returned/);
  });

  it('a malformed key does not echo its secret', async () => {
    const compiled = Test.createTestingModule({
      imports: [AblyChatAuthModule.forRoot({ apiKey: `${KEY_NAME}:${SECRET}:${SECRET}`, policy: { lobby: 'all' } })],
    }).compile();
    const error = await compiled.then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error).not.toBeNull();
    expect(error!.message).not.toContain(SECRET);
  });

  it('NestFactory.create rejects (abortOnError: false) and no server starts', async () => {
    @Controller('ping')
    class PingController {
      @Get()
      ping(): string {
        return 'pong';
      }
    }
    @Module({ imports: [AblyChatAuthModule.forRoot({ apiKey: API_KEY, policy: { lobby: 'all' }, ttl: 5 })], controllers: [PingController] })
    class AppModule {}
    let app: INestApplication | undefined;
    try {
      app = await NestFactory.create(AppModule, new ExpressAdapter(), { logger: false, abortOnError: false });
    } catch (error) {
      expect(isAblyChatAuthError(error, 'ERR_INVALID_TTL')).toBe(true);
      expect((error as Error).message).toMatch(/ttl/i);
    }
    expect(app).toBeUndefined();
  });

  it.each([
    ['an empty path', { path: '' }, /path must be a non-empty string/],
    ['a path that is not a string', { path: 42 }, /path must be a non-empty string/],
    ['guards that are not an array', { guards: 'AuthGuard' }, /guards must be an array/],
    ['a guard without canActivate', { guards: [{}] }, /guards\[0\]/],
    ['mountRoute: "no"', { mountRoute: 'no' }, /mountRoute must be a boolean/],
    ['isGlobal: 1', { isGlobal: 1 }, /isGlobal must be a boolean/],
  ])('forRoot and forRootAsync throw at once for %s', (_what, extras, message) => {
    expect(() => AblyChatAuthModule.forRoot({ apiKey: API_KEY, policy, ...(extras as object) })).toThrow(message);
    expect(() => AblyChatAuthModule.forRootAsync({ useFactory: () => ({ apiKey: API_KEY, policy }), ...(extras as object) })).toThrow(message);
  });
});

describe('an option name the module does not know, or one given where it would be ignored, stops the app at startup', () => {
  /** The error a call threw (synchronously or as a rejection), for its code and message. */
  async function failureOf(run: () => unknown): Promise<Error & { code?: string; details?: Record<string, unknown> }> {
    try {
      await run();
    } catch (error) {
      return error as Error & { code?: string };
    }
    throw new Error('expected a failure, got none');
  }

  /** Builds a testing module: where the option names given to `forRoot` are checked, with the rest of its options. */
  const compile = (module: DynamicModule) => Test.createTestingModule({ imports: [module] }).compile();

  it.each([
    ['tll', 'ttl'],
    ['polciy', 'policy'],
    ['apikey', 'apiKey'],
    ['resolveuser', 'resolveUser'],
    ['isglobal', 'isGlobal'],
    ['gaurds', 'guards'],
  ])('forRoot({ %s }): did you mean %s', async (typo, meant) => {
    const error = await failureOf(() => compile(AblyChatAuthModule.forRoot({ apiKey: API_KEY, policy, [typo]: 1 } as never)));
    expect(error).toMatchObject({ code: 'ERR_UNKNOWN_OPTION', details: { option: typo, suggestion: meant } });
    expect(error.message).toContain(`AblyChatAuthModule.forRoot: unknown option "${typo}".`);
    expect(error.message).toContain(`Did you mean '${meant}'?`);
    expect(error.message).not.toContain(SECRET);
  });

  it('forRoot with a name far from any option: refused, with the list of options', async () => {
    const error = await failureOf(() => compile(AblyChatAuthModule.forRoot({ apiKey: API_KEY, policy, somethingElse: true } as never)));
    expect(error.message).toMatch(/AblyChatAuthModule\.forRoot: unknown option "somethingElse"\. Known options: apiKey, ttl/);
    expect(error.message).not.toMatch(/Did you mean/);
  });

  it('forRoot({ useFactory }): points to forRootAsync', async () => {
    const error = await failureOf(() => compile(AblyChatAuthModule.forRoot({ apiKey: API_KEY, policy, useFactory: () => ({}) } as never)));
    expect(error.message).toMatch(/forRoot: 'useFactory' is not read here; use forRootAsync/);
  });

  it('forRoot and forRootAsync without an options object', async () => {
    expect((await failureOf(() => AblyChatAuthModule.forRoot(undefined as never))).message).toMatch(/forRoot needs an options object/);
    expect((await failureOf(() => AblyChatAuthModule.forRootAsync(null as never))).message).toMatch(/forRootAsync needs an options object/);
  });

  it.each([
    ['useFactroy', 'useFactory'],
    ['injetc', 'inject'],
    ['mountRoutes', 'mountRoute'],
  ])('forRootAsync({ %s }): did you mean %s', async (typo, meant) => {
    const error = await failureOf(() => AblyChatAuthModule.forRootAsync({ useFactory: () => ({ apiKey: API_KEY, policy }), [typo]: 1 } as never));
    expect(error).toMatchObject({ code: 'ERR_UNKNOWN_OPTION', details: { option: typo, suggestion: meant } });
    expect(error.message).toContain(`Did you mean '${meant}'?`);
  });

  it.each(['apiKey', 'policy', 'ttl', 'logger'])('forRootAsync({ %s }) beside useFactory: told to return it from the factory', async (name) => {
    const error = await failureOf(() => AblyChatAuthModule.forRootAsync({ useFactory: () => ({ apiKey: API_KEY, policy }), [name]: undefined } as never));
    expect(error.code).toBe('ERR_UNKNOWN_OPTION');
    expect(error.message).toContain(
      `forRootAsync: '${name}' is not read here; it is a token route option, ignored beside useFactory: return it from the factory`,
    );
  });

  it.each([
    ['guards', []],
    ['path', 'chat/token'],
    ['mountRoute', false],
    ['isGlobal', true],
  ])('a factory that returns the module setting %s: refused at startup, told to give it beside useFactory', async (name, value) => {
    const error = await failureOf(() =>
      Test.createTestingModule({ imports: [AblyChatAuthModule.forRootAsync({ useFactory: () => ({ apiKey: API_KEY, policy, [name]: value }) })] }).compile(),
    );
    expect(error).toMatchObject({ code: 'ERR_UNKNOWN_OPTION', details: { option: name } });
    expect(error.message).toContain(`(what the forRootAsync factory returned): '${name}' is not read here; module settings`);
    expect(error.message).toContain(`Give it beside useFactory: forRootAsync({ useFactory, ${name}: ... })`);
  });

  it('createAblyChatAuthOptions() (useClass) returning a module setting: refused too', async () => {
    @Injectable()
    class WrongPlace implements AblyChatAuthOptionsFactory<AppUser> {
      createAblyChatAuthOptions() {
        return { apiKey: API_KEY, policy, isGlobal: true } as AblyChatAuthModuleOptions<AppUser>;
      }
    }
    const error = await failureOf(() => Test.createTestingModule({ imports: [AblyChatAuthModule.forRootAsync({ useClass: WrongPlace })] }).compile());
    expect(error.message).toContain("(what the forRootAsync factory returned): 'isGlobal' is not read here");
  });

  it.each([
    ['tll', 'ttl'],
    ['polciy', 'policy'],
    ['hook', 'hooks'],
  ])('a factory that returns %s: did you mean %s', async (typo, meant) => {
    const error = await failureOf(() =>
      Test.createTestingModule({
        imports: [AblyChatAuthModule.forRootAsync({ useFactory: () => Promise.resolve({ apiKey: API_KEY, policy, [typo]: '1h' }) })],
      }).compile(),
    );
    expect(error).toMatchObject({ code: 'ERR_UNKNOWN_OPTION', details: { option: typo, suggestion: meant } });
    expect(error.message).toContain(`(what the forRootAsync factory returned): unknown option "${typo}".`);
  });

  it('every core option name is accepted, in forRoot and in what the factory returns', async () => {
    const everyOption = {
      apiKey: API_KEY,
      policy,
      ttl: '30m',
      revocableTokens: false,
      clockSkew: '10s',
      allowWildcardClientId: false,
      maxTokenBytes: 4096,
      resolveUser: () => null,
      clientId: (user: AppUser) => user.id,
      revocationKey: () => undefined,
      claims: () => undefined,
      responseFormat: 'jwt' as const,
      timeout: '5s',
      hooks: {},
      logger: false as const,
    };
    await expectWorkingService(
      await serviceOf([AblyChatAuthModule.forRoot({ ...everyOption, isGlobal: false, path: 'x', guards: [], mountRoute: false })]),
      1800,
    );
    await expectWorkingService(await serviceOf([AblyChatAuthModule.forRootAsync({ useFactory: () => everyOption, mountRoute: false })]), 1800);
  });

  it('allowedOrigins and allowPrivilegedOperations (core options) are not refused by name', () => {
    for (const name of ['allowedOrigins', 'allowPrivilegedOperations']) {
      expect(() => createModuleTokenRoute({ apiKey: API_KEY, policy: policy as never, [name]: undefined }, 'forRoot')).not.toThrow();
      expect(() => checkAsyncOptionNames({ useFactory: () => ({}), [name]: undefined })).toThrow(/is a token route option/);
    }
  });
});
