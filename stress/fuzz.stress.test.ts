/* Fuzz: the same seeded stream of generated requests against every adapter. Only designed answers
 * may come back, and every token must be the server's token for the session's user. */
import fc from 'fast-check';
import { STRESS_ADAPTERS, type StressAdapter } from './support/adapters';
import { createKey, createSetup, Recorder, SessionStore, signatureProblem, tokenProblem, type StressUser } from './support/fixture';
import { describeCase, FUZZ_USERS, fuzzCaseArbitrary, type FuzzCase } from './support/fuzz-requests';
import { watchProcess } from './support/process-watch';
import { encodeHead, mapConcurrent, sendRaw, type RawOutcome } from './support/raw-http';
import { formatHistogram, histogram } from './support/report';

const RUNS = Number(process.env.STRESS_FUZZ_RUNS ?? 10_000);
const SEED =
  process.env.STRESS_SEED !== undefined && process.env.STRESS_SEED !== ''
    ? Number(process.env.STRESS_SEED)
    : (Date.now() ^ Math.floor(Math.random() * 2 ** 31)) | 0;
const IN_FLIGHT = 20;
/** Node's default limit on the request line plus headers is 16 KiB; allow 431 from a little under it. */
const HEADER_LIMIT_SLACK_BYTES = 15 * 1024;

/** What core answers a request that reaches it on the token path. */
function coreStatus(method: string, user: StressUser | null): number {
  if (method !== 'GET' && method !== 'POST') return 405;
  if (!user) return 401;
  return user.banned ? 403 : 200;
}

/** What the route (core, or the platform for methods it does not route there) answers on the token path. */
function routeStatuses(adapter: StressAdapter, method: string, user: StressUser | null): readonly number[] {
  const { traits } = adapter;
  if (traits.unbuildableMethods.includes(method)) return [400];
  const routed = traits.routedMethods === 'all' || traits.routedMethods.includes(method);
  if (!routed) return traits.otherMethodStatuses[method] ?? traits.otherMethodStatuses['*'] ?? [];
  return [coreStatus(method, user)];
}

/** The designed answers to one case on one adapter (see stress/README.md for the reasons). */
function allowedStatuses(adapter: StressAdapter, c: FuzzCase, headBytes: number, user: StressUser | null): Set<number> {
  const allowed = new Set<number>();
  // Node's parser: 431 for a request line plus headers over 16 KiB, else 400 for a malformed request.
  if (headBytes > HEADER_LIMIT_SLACK_BYTES) allowed.add(431);
  if (c.malformedHttp) return allowed.add(400);
  if (c.badPathEscape) for (const status of adapter.traits.badPathEscapeStatuses) allowed.add(status);
  for (const status of adapter.traits.methodStatuses[c.request.method] ?? []) allowed.add(status);
  if (c.request.body !== undefined) for (const status of adapter.traits.bodyParserStatuses) allowed.add(status);
  if (c.pathKind !== 'token') allowed.add(404);
  if (c.pathKind !== 'off') for (const status of routeStatuses(adapter, c.request.method, user)) allowed.add(status);
  return allowed;
}

describe(`fuzz: ${RUNS} generated requests per adapter, seed ${SEED}`, () => {
  const sessions = new SessionStore(FUZZ_USERS);
  let cases: FuzzCase[] = [];

  beforeAll(() => {
    const started = Date.now();
    cases = fc.sample(fuzzCaseArbitrary(sessions), { seed: SEED, numRuns: RUNS });
    const bodyBytes = cases.reduce((sum, c) => sum + (c.request.body?.length ?? 0), 0);
    console.log(
      `fuzz seed ${SEED} (replay: STRESS_SEED=${SEED} pnpm test:stress); ${cases.length} cases generated in ${Date.now() - started} ms; ` +
        `${(bodyBytes / 1e6).toFixed(1)} MB of bodies; methods ${formatHistogram(histogram(cases.map((c) => c.request.method)))}; ` +
        `paths ${formatHistogram(histogram(cases.map((c) => c.pathKind)))}; malformed HTTP ${cases.filter((c) => c.malformedHttp).length}`,
    );
  });

  test.each(STRESS_ADAPTERS.map((adapter) => [adapter.name, adapter] as const))(
    "%s: only designed answers, no 5xx, no crash, every token the session user's",
    async (_name, adapter) => {
      const key = createKey();
      const recorder = new Recorder();
      const watch = watchProcess();
      const running = await adapter.start(createSetup(sessions, recorder, key));
      const problems: string[] = [];
      const tokens: string[] = [];
      let outcomes: RawOutcome[];
      const started = Date.now();
      try {
        outcomes = await mapConcurrent(cases, IN_FLIGHT, (c) => sendRaw(running.port, c.request));
        const elapsed = Date.now() - started;

        outcomes.forEach((outcome, index) => {
          const c = cases[index]!;
          const fail = (what: string) => problems.push(`${what}\n    request #${index}: ${describeCase(c)}`);
          if (!outcome.ok) return fail(`no answer: ${outcome.error}`);
          const { status, headers, body } = outcome.response;
          const user = sessions.userForCookie(c.cookie);
          const allowed = allowedStatuses(adapter, c, encodeHead(c.request, running.port).length, user);
          if (!allowed.has(status))
            return fail(`status ${status}, designed: ${[...allowed].join('/')} (body ${JSON.stringify(body.subarray(0, 200).toString())})`);
          const text = body.toString('utf8');
          if (text.includes(key.secret) || JSON.stringify(headers).includes(key.secret)) fail('the key secret is in the answer');
          const fromCore =
            c.pathKind !== 'off' &&
            !c.malformedHttp &&
            routeStatuses(adapter, c.request.method, user).includes(status) &&
            [200, 401, 403, 405].includes(status);
          if (status === 200) {
            if (fromCore && coreStatus(c.request.method, user) === 200) {
              if (headers['content-type']?.[0] !== 'application/jwt') return fail(`200 with content-type ${String(headers['content-type'])}`);
              if (headers['cache-control']?.[0] !== 'no-store') fail('200 token without Cache-Control: no-store');
              const problem = tokenProblem(text, user!.id, key.keyName);
              if (problem) return fail(`token is not the session user's: ${problem}`);
              tokens.push(text);
            } else if (/eyJ/.test(text) || headers['content-type']?.[0] === 'application/jwt') {
              fail(`a 200 that is not the token route's carries a token: ${text.slice(0, 120)}`);
            }
          } else if (fromCore) {
            // Core's refusals carry Ably's error shape, which decides what the Ably client does.
            if (headers['x-ably-errorcode']?.[0] !== String(status * 100)) fail(`${status} without x-ably-errorcode ${status * 100}`);
            if (headers['cache-control']?.[0] !== 'no-store') fail(`${status} without Cache-Control: no-store`);
          }
        });

        // Every token's signature, independently of core.
        const signatureProblems = (await Promise.all(tokens.map((token) => signatureProblem(token, key)))).filter((p): p is string => p !== null);
        problems.push(...signatureProblems.map((p) => `token signature: ${p}`));

        // Still serving after all that.
        const after = await sendRaw(running.port, { method: 'GET', target: running.tokenPath, headers: [['Cookie', sessions.cookieOf('alice')]] });
        if (!after.ok || after.response.status !== 200 || tokenProblem(after.response.body.toString(), 'alice', key.keyName))
          problems.push('the server no longer serves a plain token request');

        // What the frameworks in front of the route refused, and said so (body parsers, Fastify, the bridge).
        const frameworkLogs = histogram(
          recorder.logs
            .filter((l) => l.source !== 'ably-chat-auth')
            .map((l) => `${l.source}/${l.level}/${l.message.replace(/[^\x20-\x7e]/g, '?').slice(0, 48)}`),
        );
        console.log(`[fuzz] ${adapter.name} framework log lines: ${formatHistogram(frameworkLogs, 6)}`);
        const statuses = histogram(outcomes.map((o) => (o.ok ? String(o.response.status) : 'no answer')));
        console.log(
          `[fuzz] ${adapter.name}: ${outcomes.length} requests in ${(elapsed / 1000).toFixed(1)} s (${Math.round(outcomes.length / (elapsed / 1000))}/s), ` +
            `statuses ${formatHistogram(statuses)}; ${tokens.length} tokens verified; seed ${SEED}`,
        );
      } finally {
        await running.close();
        watch.stop();
      }
      expect(problems.slice(0, 15)).toEqual([]);
      expect(watch.unhandledRejections).toEqual([]);
      expect(watch.uncaughtExceptions).toEqual([]);
      expect(recorder.errorLines).toEqual([]);
      // The route never signed for anyone but the store's users.
      const known = new Set(FUZZ_USERS.filter((u) => !u.banned).map((u) => u.id));
      expect(recorder.issued.filter((event) => !known.has(event.clientId))).toEqual([]);
    },
    300_000,
  );
});
