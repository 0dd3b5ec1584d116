/* Soak: each adapter under 100 concurrent keep-alive connections (autocannon) for
 * STRESS_SOAK_SECONDS. A thousand users interleave with signed-out and banned requests, GET and POST,
 * each carrying hostile clientId/capability parameters; every answer is checked against the
 * request's session, and a sample of the tokens is verified with jose. */
import autocannon from 'autocannon';
import { STRESS_ADAPTERS } from './support/adapters';
import { createKey, createSetup, quickTokenProblem, Recorder, SessionStore, signatureProblem, type StressUser } from './support/fixture';
import { watchProcess } from './support/process-watch';
import { mapConcurrent, sendRaw } from './support/raw-http';
import { formatHistogram } from './support/report';

const SOAK_SECONDS = Number(process.env.STRESS_SOAK_SECONDS ?? 20);
const CONNECTIONS = 100;
const USERS: StressUser[] = [
  ...Array.from({ length: 1000 }, (_, i) => ({ id: `user-${String(i).padStart(4, '0')}`, banned: false })),
  { id: 'banned', banned: true },
];
/** Every 100th token, and the first 50, get their signature checked with jose. */
const SIGNATURE_SAMPLE_EVERY = 100;

interface Expectation {
  status: 200 | 401 | 403;
  userId?: string;
}

describe(`soak: ${CONNECTIONS} connections for ${SOAK_SECONDS} s per adapter`, () => {
  const sessions = new SessionStore(USERS);

  test.each(STRESS_ADAPTERS.map((adapter) => [adapter.name, adapter] as const))(
    '%s: zero errors, zero unexpected statuses, every token for its own user',
    async (_name, adapter) => {
      const key = createKey();
      const recorder = new Recorder();
      const watch = watchProcess();
      const running = await adapter.start(createSetup(sessions, recorder, key));
      const statuses = new Map<string, number>();
      const problems: string[] = [];
      const sample: { token: string; userId: string }[] = [];
      let sent = 0;
      let tokens = 0;
      try {
        // Warm up (JIT, lazy framework setup) so the figures describe the steady state.
        await mapConcurrent(
          Array.from({ length: 300 }, (_, i) => USERS[i % 1000]!.id),
          20,
          (userId) => sendRaw(running.port, { method: 'GET', target: running.tokenPath, headers: [['Cookie', sessions.cookieOf(userId)]] }),
        );
        recorder.clear();
        const result = await autocannon({
          url: running.baseUrl,
          connections: CONNECTIONS,
          duration: SOAK_SECONDS,
          timeout: 10,
          requests: [
            {
              setupRequest: (request, context) => {
                const n = sent++;
                // 1 in 20 signed out (401), 1 in 20 banned (403), the rest spread over 1000 users.
                const kind = n % 20 === 0 ? 'anonymous' : n % 20 === 10 ? 'banned' : 'user';
                const userId = kind === 'banned' ? 'banned' : kind === 'user' ? USERS[(n * 7919) % 1000]!.id : undefined;
                const expectation: Expectation = kind === 'anonymous' ? { status: 401 } : kind === 'banned' ? { status: 403, userId } : { status: 200, userId };
                context.expectation = expectation;
                const headers: Record<string, string> = { accept: 'application/json, text/plain', ...(userId ? { cookie: sessions.cookieOf(userId) } : {}) };
                // What ably-js sends with authUrl: tokenParams in the query (GET) or a form body (POST),
                // here with somebody else's clientId and a wildcard capability.
                const params = `clientId=admin&capability=${encodeURIComponent('{"*":["*"]}')}&ttl=86400000&rnd=${n}`;
                if (n % 2 === 0) {
                  return { ...request, method: 'GET', path: `${running.tokenPath}?${params}`, headers, body: undefined };
                }
                return {
                  ...request,
                  method: 'POST',
                  path: running.tokenPath,
                  headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
                  body: params,
                };
              },
              onResponse: (status, body, context) => {
                statuses.set(String(status), (statuses.get(String(status)) ?? 0) + 1);
                const expectation = context.expectation as Expectation;
                if (status !== expectation.status) {
                  if (problems.length < 20)
                    problems.push(`status ${status} instead of ${expectation.status} for ${expectation.userId ?? 'nobody'}: ${body.slice(0, 200)}`);
                  return;
                }
                if (status !== 200) return;
                tokens++;
                const problem = quickTokenProblem(body, expectation.userId!, key.keyName);
                if (problem && problems.length < 20) problems.push(`token for ${expectation.userId}: ${problem}`);
                if (tokens <= 50 || tokens % SIGNATURE_SAMPLE_EVERY === 0) sample.push({ token: body, userId: expectation.userId! });
              },
            },
          ],
        });

        const signatureProblems = (await Promise.all(sample.map(({ token }) => signatureProblem(token, key)))).filter((p): p is string => p !== null);
        const answered = [...statuses.values()].reduce((a, b) => a + b, 0);
        console.log(
          `[soak] ${adapter.name}: ${answered} answers in ${result.duration.toFixed(1)} s (${Math.round(result.requests.average)} req/s), ` +
            `latency p50 ${result.latency.p50} ms / p97.5 ${result.latency.p97_5} ms / p99 ${result.latency.p99} ms / max ${result.latency.max} ms; ` +
            `statuses ${formatHistogram(new Map([...statuses].sort((a, b) => b[1] - a[1])))}; errors ${result.errors}, timeouts ${result.timeouts}; ` +
            `${tokens} tokens decoded, ${sample.length} signatures verified`,
        );

        expect({ errors: result.errors, timeouts: result.timeouts, resets: result.resets }).toEqual({ errors: 0, timeouts: 0, resets: 0 });
        expect(problems).toEqual([]);
        expect(signatureProblems).toEqual([]);
        expect(result['5xx']).toBe(0);
        // The load really happened: every connection got answers, and tokens went out.
        expect(answered).toBeGreaterThan(CONNECTIONS * 10);
        expect(tokens).toBeGreaterThan(answered * 0.8);
        expect(statuses.get('401')).toBeGreaterThan(0);
        expect(statuses.get('403')).toBeGreaterThan(0);
        expect(recorder.issued.length).toBeGreaterThanOrEqual(tokens);
      } finally {
        await running.close();
        watch.stop();
      }
      expect(watch.unhandledRejections).toEqual([]);
      expect(watch.uncaughtExceptions).toEqual([]);
      expect(recorder.logs.filter((line) => line.level === 'error' || line.level === 'warn')).toEqual([]);
    },
    (SOAK_SECONDS + 60) * 1000,
  );
});
