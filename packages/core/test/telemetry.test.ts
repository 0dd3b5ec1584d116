import { expect } from '@jest/globals';
import * as api from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { createTokenRoute, isAblyChatAuthError, recordRateLimited, type TokenRouteOptions } from '../src/index';
import { countsByOutcome, createTestTelemetry, type TestTelemetry } from '@ably-chat-auth/adapter-contract/telemetry';
import { TEST_KEY, TEST_SECRET } from './helpers';
import { version } from '../package.json';

interface User {
  id: string;
}
interface Req {
  user?: User | null;
  slow?: boolean;
}

const ANSWERS = 'ably_chat_auth.token.answers';
const DURATION = 'ably_chat_auth.token.duration';

function makeRoute(telemetry: TokenRouteOptions<User, Req>['telemetry'], overrides: Partial<TokenRouteOptions<User, Req>> = {}) {
  return createTokenRoute<User, Req>({
    apiKey: TEST_KEY,
    resolveUser: (req) => req.user,
    policy: async (user, req) => {
      if (req.slow) await new Promise((resolve) => setTimeout(resolve, 1300));
      if (user.id === 'banned') return null;
      if (user.id === 'broken') throw new Error('The grants store is unreachable.');
      return { lobby: 'all', [`dms:${user.id}:*`]: ['send', 'receive'], [`support:${user.id}`]: ['receive'] };
    },
    logger: false,
    telemetry,
    ...overrides,
  });
}

const GET = (native: Req, headers: Record<string, string> = {}) => ({ method: 'GET', headers, native });

describe('token route telemetry', () => {
  let telemetry: TestTelemetry;
  beforeEach(() => {
    telemetry = createTestTelemetry();
  });
  afterEach(async () => {
    await telemetry.shutdown();
  });

  it('names the tracer and meter @ably-chat-auth/core with the package version', async () => {
    await makeRoute(telemetry.options).handle(GET({ user: { id: 'alice' } }));
    const [span] = telemetry.spans();
    expect(span?.instrumentationScope).toEqual(expect.objectContaining({ name: '@ably-chat-auth/core', version }));
    expect(span?.kind).toBe(api.SpanKind.INTERNAL);
    const names = (await telemetry.metrics()).map((metric) => [metric.descriptor.name, metric.descriptor.unit]);
    expect(names).toEqual([
      [ANSWERS, '{answer}'],
      [DURATION, 's'],
    ]);
  });

  it('counts and traces every outcome core answers, faults with their phase and exception', async () => {
    const route = makeRoute(telemetry.options, { timeout: 1, allowedOrigins: ['https://app.example.test'] });
    const failingKey = makeRoute(telemetry.options, { apiKey: () => Promise.reject(new Error('The secret manager is down.')) });
    const statuses = [
      (await route.handle(GET({ user: { id: 'alice' } }))).status,
      (await route.handle({ method: 'post', native: { user: { id: 'bob' } } })).status,
      (await route.handle(GET({ user: null }))).status,
      (await route.handle(GET({ user: { id: 'banned' } }))).status,
      (await route.handle({ method: 'DELETE', native: { user: { id: 'alice' } } })).status,
      (await route.handle(GET({ user: { id: 'alice' } }, { 'sec-fetch-site': 'cross-site' }))).status,
      (await route.handle({ method: 'OPTIONS', headers: { origin: 'https://app.example.test', 'access-control-request-method': 'GET' }, native: {} })).status,
      (await route.handle(GET({ user: { id: 'broken' } }))).status,
      (await route.handle(GET({ user: { id: 'alice' }, slow: true }))).status,
      (await failingKey.handle(GET({ user: { id: 'alice' } }))).status,
      (await route.respond({ id: 'carol' }, GET({}))).status,
      (await route.respond(null, GET({}))).status,
    ];
    expect(statuses).toEqual([200, 200, 401, 403, 405, 403, 204, 500, 503, 503, 200, 401]);
    expect(countsByOutcome(await telemetry.counter(ANSWERS))).toEqual({
      'issued 200': 3,
      'unauthenticated 401': 2,
      'forbidden 403': 1,
      'method_not_allowed 405': 1,
      'cross_site 403': 1,
      'preflight 204': 1,
      'error 500': 1,
      'timeout 503': 1,
      'error 503': 1,
    });
    const faults = (await telemetry.counter(ANSWERS)).filter((point) => point.attributes['ably_chat_auth.phase'] !== undefined);
    expect(faults).toHaveLength(3);
    expect(faults.map((point) => point.attributes)).toEqual(
      expect.arrayContaining([
        {
          'http.request.method': 'GET',
          'ably_chat_auth.outcome': 'error',
          'ably_chat_auth.phase': 'apiKey',
          'error.type': 'ERR_API_KEY_PROVIDER',
          'http.response.status_code': 503,
        },
        {
          'http.request.method': 'GET',
          'ably_chat_auth.outcome': 'error',
          'ably_chat_auth.phase': 'policy',
          'error.type': 'Error',
          'http.response.status_code': 500,
        },
        {
          'http.request.method': 'GET',
          'ably_chat_auth.outcome': 'timeout',
          'ably_chat_auth.phase': 'policy',
          'error.type': 'ERR_TIMEOUT',
          'http.response.status_code': 503,
        },
      ]),
    );
    const durations = await telemetry.histogram(DURATION);
    expect(durations.reduce((sum, point) => sum + point.count, 0)).toBe(12);
    const timeoutPoint = durations.find((point) => point.attributes['ably_chat_auth.outcome'] === 'timeout');
    // The timed-out answer took about the 1 s timeout: recorded in seconds.
    expect(timeoutPoint?.sum).toBeGreaterThan(0.9);
    expect(timeoutPoint?.sum).toBeLessThan(5);

    const spans = telemetry.spans();
    expect(
      spans.map((span) => [span.attributes['http.request.method'], span.attributes['ably_chat_auth.outcome'], span.attributes['ably_chat_auth.rooms']]),
    ).toEqual([
      ['GET', 'issued', 3],
      ['POST', 'issued', 3],
      ['GET', 'unauthenticated', undefined],
      ['GET', 'forbidden', undefined],
      ['DELETE', 'method_not_allowed', undefined],
      ['GET', 'cross_site', undefined],
      ['OPTIONS', 'preflight', undefined],
      ['GET', 'error', undefined],
      ['GET', 'timeout', undefined],
      ['GET', 'error', undefined],
      ['GET', 'issued', 3],
      ['GET', 'unauthenticated', undefined],
    ]);
    const failed = spans.filter((span) => span.status.code === api.SpanStatusCode.ERROR);
    expect(
      failed.map((span) => [span.attributes['ably_chat_auth.phase'], span.status.message, span.events.map((event) => event.attributes?.['exception.type'])]),
    ).toEqual([
      ['policy', 'The token route failed in policy.', ['Error']],
      ['policy', 'The token route failed in policy.', ['ERR_TIMEOUT']],
      ['apiKey', 'The token route failed in apiKey.', ['ERR_API_KEY_PROVIDER']],
    ]);
    // Refusals are answers, not span errors (OpenTelemetry's HTTP conventions leave 4xx unset on the server side).
    expect(spans.filter((span) => span.status.code === api.SpanStatusCode.UNSET)).toHaveLength(9);
  });

  it('notes the rooms of a TokenRequest answer too', async () => {
    const route = makeRoute(telemetry.options, { responseFormat: 'token-request' });
    expect((await route.handle(GET({ user: { id: 'alice' } }))).status).toBe(200);
    expect(telemetry.spans()[0]?.attributes).toEqual(expect.objectContaining({ 'ably_chat_auth.outcome': 'issued', 'ably_chat_auth.rooms': 3 }));
  });

  it('never puts the secret, the token, the capability or the clientId in an attribute; the clientId only with recordClientId', async () => {
    const route = makeRoute(telemetry.options, { responseFormat: 'token-details' });
    const answer = await route.handle(GET({ user: { id: 'alice-7f3a' } }));
    const { token, capability } = JSON.parse(answer.body) as { token: string; capability: string };
    await route.handle(GET({ user: { id: 'banned' } }));
    await makeRoute(telemetry.options, { apiKey: () => Promise.reject(new Error('down')) }).handle(GET({ user: { id: 'alice-7f3a' } }));
    const values = await telemetry.everyAttributeValue();
    expect(values.length).toBeGreaterThan(20);
    for (const secretish of [TEST_SECRET, token, capability, 'dms:alice-7f3a:*', 'alice-7f3a']) {
      expect(values.filter((value) => value.includes(secretish))).toEqual([]);
    }

    const opted = createTestTelemetry();
    await makeRoute({ ...opted.options, recordClientId: true }).handle(GET({ user: { id: 'alice-7f3a' } }));
    await makeRoute({ ...opted.options, recordClientId: true }).handle(GET({ user: { id: 'banned' } }));
    expect(opted.spans().map((span) => span.attributes['enduser.id'])).toEqual(['alice-7f3a', 'banned']);
    // Never on metrics: a user id per series would be unbounded cardinality.
    expect((await opted.counter(ANSWERS)).every((point) => point.attributes['enduser.id'] === undefined)).toBe(true);
    await opted.shutdown();
  });

  it('records nothing with telemetry: false, even with an SDK registered globally', async () => {
    api.trace.setGlobalTracerProvider(telemetry.tracerProvider);
    api.metrics.setGlobalMeterProvider(telemetry.meterProvider);
    try {
      const route = makeRoute(false);
      expect((await route.handle(GET({ user: { id: 'alice' } }))).status).toBe(200);
      expect(telemetry.spans()).toEqual([]);
      expect(await telemetry.counter(ANSWERS)).toEqual([]);
    } finally {
      api.trace.disable();
      api.metrics.disable();
    }
  });

  it('uses the global providers by default, registered after the route was created, and stops when they go', async () => {
    const route = makeRoute(undefined);
    expect((await route.handle(GET({ user: { id: 'alice' } }))).status).toBe(200);
    api.trace.setGlobalTracerProvider(telemetry.tracerProvider);
    api.metrics.setGlobalMeterProvider(telemetry.meterProvider);
    try {
      await route.handle(GET({ user: { id: 'alice' } }));
      await route.handle(GET({ user: null }));
    } finally {
      api.trace.disable();
      api.metrics.disable();
    }
    await route.handle(GET({ user: { id: 'alice' } }));
    expect(telemetry.spans().map((span) => span.attributes['ably_chat_auth.outcome'])).toEqual(['issued', 'unauthenticated']);
    expect(countsByOutcome(await telemetry.counter(ANSWERS))).toEqual({ 'issued 200': 1, 'unauthenticated 401': 1 });
  });

  it("is a child of the framework's active span, and the policy's own spans are its children", async () => {
    const contextManager = new AsyncLocalStorageContextManager().enable();
    api.context.setGlobalContextManager(contextManager);
    try {
      const tracer = telemetry.tracerProvider.getTracer('test-framework');
      const route = makeRoute(telemetry.options, {
        policy: async () => {
          const lookup = tracer.startSpan('grants lookup', {}, api.context.active());
          await new Promise((resolve) => setTimeout(resolve, 5));
          lookup.end();
          return { lobby: 'all' };
        },
      });
      const server = tracer.startSpan('GET /api/ably-token', { kind: api.SpanKind.SERVER });
      await api.context.with(api.trace.setSpan(api.context.active(), server), () => route.handle(GET({ user: { id: 'alice' } })));
      server.end();
      const spans = Object.fromEntries(telemetry.spans().map((span) => [span.name, span]));
      const ours = spans['ably-chat-auth token'];
      expect(ours?.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
      expect(spans['grants lookup']?.parentSpanContext?.spanId).toBe(ours?.spanContext().spanId);
    } finally {
      api.context.disable();
    }
  });

  it('refuses a bad telemetry option at creation, naming the fix', () => {
    const cases: unknown[] = ['on', { tracerProvider: {} }, { meterProvider: 'prometheus' }, { recordClientId: 'yes' }, { sampler: 1 }];
    for (const telemetryOption of cases) {
      let thrown: unknown;
      try {
        makeRoute(telemetryOption as never);
      } catch (error) {
        thrown = error;
      }
      expect(isAblyChatAuthError(thrown, 'ERR_INVALID_OPTIONS') || isAblyChatAuthError(thrown, 'ERR_UNKNOWN_OPTION')).toBe(true);
      expect((thrown as Error).message).toMatch(/^createTokenRoute(: telemetry| telemetry: unknown option "sampler")/);
    }
    expect(() => makeRoute(undefined, { telemtry: false } as never)).toThrow(/Did you mean 'telemetry'/);
  });

  it('recordRateLimited counts a 429 refused in front of the route, and is a no-op without an SDK', async () => {
    recordRateLimited({ method: 'GET' });
    recordRateLimited({ method: 'post', meterProvider: telemetry.meterProvider });
    recordRateLimited({ method: 'BREW', meterProvider: telemetry.meterProvider });
    expect((await telemetry.counter(ANSWERS)).map((point) => [point.attributes, point.value])).toEqual([
      [{ 'http.request.method': 'POST', 'http.response.status_code': 429, 'ably_chat_auth.outcome': 'rate_limited' }, 1],
      [{ 'http.request.method': '_OTHER', 'http.response.status_code': 429, 'ably_chat_auth.outcome': 'rate_limited' }, 1],
    ]);
  });
});
