import { expect } from '@jest/globals';
import { DemoClient } from './client.js';

/**
 * Four token requests from one address against an example started with `RATE_LIMIT_TOKEN_PER_MIN=3`
 * and `METRICS_PORT`: alice's two tokens (GET and POST), one request with no session, one over the
 * limit. Then the scrape at `metricsUrl` must count exactly those answers by outcome and status,
 * the duration histogram must count the two tokens, and `/metrics` must not exist on the public port.
 */
export async function expectTokenMetricsJourney(baseUrl: string, metricsUrl: string): Promise<void> {
  const client = new DemoClient(baseUrl);
  expect((await client.login('alice')).status).toBe(200);
  expect((await client.token()).status).toBe(200);
  expect((await client.token('POST')).status).toBe(200);
  expect((await new DemoClient(baseUrl).token()).status).toBe(401);
  expect((await client.token()).status).toBe(429);
  const scrape = await fetch(metricsUrl);
  expect(scrape.status).toBe(200);
  const text = await scrape.text();
  // The sum over the series (one per method) of a metric's samples with this outcome and status.
  const sum = (metric: string, outcome: string, status: number) =>
    [...text.matchAll(new RegExp(`^${metric}\\{([^}]*)\\} (\\S+)$`, 'gm'))]
      .filter(([, labels]) => labels!.includes(`ably_chat_auth_outcome="${outcome}"`) && labels!.includes(`http_response_status_code="${status}"`))
      .reduce((total, [, , value]) => total + Number(value), 0);
  expect(text).toContain('# TYPE ably_chat_auth_token_answers_total counter');
  expect(text).toContain('# TYPE ably_chat_auth_token_duration histogram');
  expect({
    issued: sum('ably_chat_auth_token_answers_total', 'issued', 200),
    unauthenticated: sum('ably_chat_auth_token_answers_total', 'unauthenticated', 401),
    rateLimited: sum('ably_chat_auth_token_answers_total', 'rate_limited', 429),
    timedIssued: sum('ably_chat_auth_token_duration_count', 'issued', 200),
  }).toEqual({ issued: 2, unauthenticated: 1, rateLimited: 1, timedIssued: 2 });
  // Only on the metrics port: the public port has no /metrics.
  expect((await client.request('/metrics')).status).toBe(404);
}
