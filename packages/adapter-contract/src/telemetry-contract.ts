import { expect } from '@jest/globals';
import { SpanStatusCode } from '@opentelemetry/api';
import {
  CONTRACT_ALLOWED_ORIGIN,
  CONTRACT_USERS,
  createContractFixture,
  sessionCookie,
  type ContractFixture,
  type StartAdapter,
  type StartedAdapter,
} from './fixture.js';
import { countsByOutcome, createTestTelemetry, type TestTelemetry } from './telemetry.js';

const ANSWERS_METRIC = 'ably_chat_auth.token.answers';
const DURATION_METRIC = 'ably_chat_auth.token.duration';

/**
 * Declares the telemetry cases every adapter must pass: the adapter passes core's `telemetry`
 * option through (with the rest of `setup.options`), and each answer on a real socket yields one
 * span and one count with the right outcome, status and phase, with no secret, token or capability
 * in any attribute.
 *
 * @example
 * describeTelemetryContract('express 5', async ({ options, resolveUserFromHeaders }) => { ... as for describeAdapterContract ... });
 */
export function describeTelemetryContract(name: string, start: StartAdapter): void {
  describe(`${name}: OpenTelemetry spans and metrics`, () => {
    let fixture: ContractFixture;
    let telemetry: TestTelemetry;
    let adapter: StartedAdapter | undefined;
    const tokens: string[] = [];

    beforeAll(async () => {
      fixture = createContractFixture();
      telemetry = createTestTelemetry();
      adapter = await start({ ...fixture.setup, options: { ...fixture.setup.options, telemetry: telemetry.options } });
      const url = new URL(adapter.tokenPath, adapter.baseUrl).toString();
      const call = async (init: RequestInit) => {
        const response = await fetch(url, init);
        const body = await response.text();
        if (response.status === 200) tokens.push(body);
        return response.status;
      };
      const statuses = [
        await call({ headers: sessionCookie('alice') }),
        await call({ method: 'POST', headers: sessionCookie('bob') }),
        await call({}),
        await call({ headers: sessionCookie(CONTRACT_USERS.banned) }),
        await call({ method: 'PUT', headers: sessionCookie('alice') }),
        await call({ headers: { ...sessionCookie('alice'), 'sec-fetch-site': 'cross-site', origin: 'https://elsewhere.example.test' } }),
        await call({
          method: 'OPTIONS',
          headers: { origin: CONTRACT_ALLOWED_ORIGIN, 'sec-fetch-site': 'cross-site', 'access-control-request-method': 'GET' },
        }),
        await call({ headers: sessionCookie(CONTRACT_USERS.resolverThrows) }),
        await call({ headers: sessionCookie(CONTRACT_USERS.policyThrows) }),
      ];
      expect(statuses).toEqual([200, 200, 401, 403, 405, 403, 204, 500, 500]);
    });

    afterAll(async () => {
      await adapter?.close();
      await telemetry?.shutdown();
    });

    it('counts every answer by outcome and status, and times each in seconds', async () => {
      expect(countsByOutcome(await telemetry.counter(ANSWERS_METRIC))).toEqual({
        'issued 200': 2,
        'unauthenticated 401': 1,
        'forbidden 403': 1,
        'method_not_allowed 405': 1,
        'cross_site 403': 1,
        'preflight 204': 1,
        'error 500': 2,
      });
      const durations = await telemetry.histogram(DURATION_METRIC);
      expect(durations.reduce((sum, point) => sum + point.count, 0)).toBe(9);
      // Seconds, not milliseconds: nine loopback answers take well under 9 s in all.
      const total = durations.reduce((sum, point) => sum + point.sum, 0);
      expect(total).toBeGreaterThan(0);
      expect(total).toBeLessThan(9);
      const descriptor = (await telemetry.metrics()).find((metric) => metric.descriptor.name === DURATION_METRIC)?.descriptor;
      expect(descriptor?.unit).toBe('s');
    });

    it('records one span per answer with the method, status, outcome, rooms and failing phase', () => {
      const spans = telemetry.spans();
      expect(spans).toHaveLength(9);
      const summary = spans.map((span) => ({
        name: span.name,
        method: span.attributes['http.request.method'],
        status: span.attributes['http.response.status_code'],
        outcome: span.attributes['ably_chat_auth.outcome'],
        ...(span.attributes['ably_chat_auth.rooms'] !== undefined ? { rooms: span.attributes['ably_chat_auth.rooms'] } : {}),
        ...(span.attributes['ably_chat_auth.phase'] !== undefined ? { phase: span.attributes['ably_chat_auth.phase'] } : {}),
        error: span.status.code === SpanStatusCode.ERROR,
        exceptions: span.events.filter((event) => event.name === 'exception').length,
      }));
      const ok = { name: 'ably-chat-auth token', error: false, exceptions: 0 };
      expect(summary).toEqual([
        { ...ok, method: 'GET', status: 200, outcome: 'issued', rooms: 2 },
        { ...ok, method: 'POST', status: 200, outcome: 'issued', rooms: 2 },
        { ...ok, method: 'GET', status: 401, outcome: 'unauthenticated' },
        { ...ok, method: 'GET', status: 403, outcome: 'forbidden' },
        { ...ok, method: 'PUT', status: 405, outcome: 'method_not_allowed' },
        { ...ok, method: 'GET', status: 403, outcome: 'cross_site' },
        { ...ok, method: 'OPTIONS', status: 204, outcome: 'preflight' },
        { name: ok.name, method: 'GET', status: 500, outcome: 'error', phase: 'resolveUser', error: true, exceptions: 1 },
        { name: ok.name, method: 'GET', status: 500, outcome: 'error', phase: 'policy', error: true, exceptions: 1 },
      ]);
    });

    it('puts no secret, token, capability or clientId in any span or metric attribute', async () => {
      expect(tokens).toHaveLength(2);
      const values = await telemetry.everyAttributeValue();
      expect(values.length).toBeGreaterThan(50);
      for (const forbidden of [fixture.secret, ...tokens, 'dms:alice:*', 'alice', 'bob']) {
        expect(values.filter((value) => value.includes(forbidden))).toEqual([]);
      }
    });
  });
}
