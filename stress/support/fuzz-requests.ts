/* The fuzzer's request generator (fast-check). Every request is labelled with what the server may
 * legitimately make of it, so the test can say which answers are designed. Identity comes only from
 * the session cookie; the query, the body and many headers carry hostile `clientId`/`capability`
 * values that must never reach a token. */
import fc from 'fast-check';
import type { RawRequest } from './raw-http';
import type { SessionStore, StressUser } from './fixture';

/** Users the fuzz session store knows. `banned` gets 403. */
export const FUZZ_USERS: readonly StressUser[] = [
  { id: 'alice', banned: false },
  { id: 'bob', banned: false },
  { id: 'émile', banned: false },
  { id: '用户-7', banned: false },
  { id: "o'brien.2", banned: false },
  { id: 'banned', banned: true },
];

/** Method tokens Node's HTTP parser accepts. */
const KNOWN_METHODS = ['PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
const EXOTIC_METHODS = ['PROPFIND', 'SEARCH', 'PURGE', 'LOCK', 'MKCOL', 'REPORT', 'QUERY', 'TRACE', 'COPY', 'MOVE'] as const;
/** Method tokens Node's parser refuses (400 before any framework code runs). */
const INVALID_METHODS = ['get', 'FOO', 'GETS', 'P0ST', 'BREW'] as const;

export type PathKind = 'token' | 'variant' | 'off';

export interface FuzzCase {
  request: RawRequest;
  /** `token`: exactly the route's path; `variant`: a spelling some routers treat as it and others not; `off`: another path. */
  pathKind: PathKind;
  /**
   * Node's HTTP parser answers 400 before any framework code: a method token it does not know,
   * a raw non-ASCII byte in the target, a control character in a header value, no Host header.
   */
  malformedHttp: boolean;
  /** The path (before `?`) holds a percent-escape that does not decode (`/%zz`). */
  badPathEscape: boolean;
  /** The Cookie header as the server sees it (Node joins repeated Cookie headers with `; `). */
  cookie: string | undefined;
}

function decodes(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

const HOSTILE_IDS = ['*', 'admin', 'alice', 'bob', 'banned', 'root', '', ' ', 'null', '[*]*', 'émile', '\u202eadmin', 'a'.repeat(300)];
const HOSTILE_CAPABILITIES = ['{"*":["*"]}', '{"[*]*":["*"]}', '{"lobby":["*"],"dms:*":["*"]}', '*', '[]', '{"__proto__":{"*":["*"]}}'];

const hostileValue = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_IDS, ...HOSTILE_CAPABILITIES, '86400000', '-1', 'NaN', '1e309', '0x10', 'true', 'undefined') },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 2_000 }).map((n) => 'x'.repeat(n)) },
);

const paramKey = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('clientId', 'capability', 'ttl', 'timestamp', 'rnd', 'keyName', 'nonce', 'mac', 'x-ably-clientId', 'authMethod') },
  {
    weight: 2,
    arbitrary: fc.constantFrom('clientId[]', 'capability[lobby][]', '__proto__[clientId]', 'constructor[prototype][clientId]', '__proto__', 'a[b][c][d][e][f]'),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
);

/** Percent-encodes a string as a URL would, or leaves malformed escapes in (still ASCII, still valid HTTP). */
const encodedPart = (value: string, malformed: boolean) =>
  malformed ? encodeURIComponent(value).replace(/%([0-9A-F])([0-9A-F])/, '%$1z') + '%' : encodeURIComponent(value);

const query = fc.oneof(
  { weight: 6, arbitrary: fc.constant('') },
  {
    weight: 12,
    arbitrary: fc
      .array(fc.tuple(paramKey, hostileValue, fc.boolean(), fc.integer({ min: 1, max: 3 })), { maxLength: 10 })
      .map((params) =>
        params
          .flatMap(([key, value, malformed, times]) => Array<string>(times).fill(`${encodedPart(key, malformed && times === 1)}=${encodedPart(value, false)}`))
          .join('&'),
      ),
  },
  // One hostile parameter repeated many times (framework parameter limits), sometimes past 16 KiB.
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('clientId=admin', 'capability=%7B%22*%22%3A%5B%22*%22%5D%7D', 'a', 'x[]=1'), fc.integer({ min: 2, max: 1200 }))
      .map(([pair, times]) => Array(times).fill(pair).join('&')),
  },
  // One huge value, around the 16 KiB header limit.
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom('clientId', 'capability', 'rnd'), fc.integer({ min: 8_000, max: 24_000 })).map(([key, n]) => `${key}=${'x'.repeat(n)}`),
  },
);

type PathChoice = { path: string; kind: PathKind };
const tokenPath = fc.constant<PathChoice>({ path: '/api/ably-token', kind: 'token' });
const variantPath = fc
  .constantFrom(
    '/api/ably-token/',
    '/API/ABLY-TOKEN',
    '/api/Ably-Token',
    '//api/ably-token',
    '/api//ably-token',
    '/api/./ably-token',
    '/api/x/../ably-token',
    '/api/ably%2Dtoken',
    '/api/ably-token;jsessionid=1',
    '/api/ably-token%00',
    '/api/ably-token%2F',
    'http://127.0.0.1/api/ably-token',
  )
  .map((path): PathChoice => ({ path, kind: 'variant' }));
const offPath = fc
  .oneof(
    fc.constantFrom(
      '/',
      '/api',
      '/api/',
      '/api/ably-tokens',
      '/api/ably-token/extra',
      '/api/ably-token/..%2F..',
      '/ably-token',
      '*',
      '/%',
      '/%zz',
      '/favicon.ico',
    ),
    fc
      .array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 }), { minLength: 1, maxLength: 5 })
      .map((segments) => `/${segments.map((s) => encodeURIComponent(s)).join('/')}`),
  )
  .map((path): PathChoice => ({ path, kind: 'off' }));
const pathArb = fc.oneof({ weight: 14, arbitrary: tokenPath }, { weight: 2, arbitrary: variantPath }, { weight: 4, arbitrary: offPath });

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json;;charset="utf-8',
  'application/vnd.api+json',
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=iso-8859-1',
  'application/x-www-form-urlencoded; charset=koi8-r',
  'multipart/form-data; boundary=zzz',
  'text/plain',
  'text/plain; charset=utf-8',
  'text/html; charset=utf-8',
  'application/octet-stream',
  'application/jwt',
  '*/*',
  'garbage',
  ';;;',
  '',
] as const;

const jsonHostile = fc
  .record({
    clientId: hostileValue,
    capability: fc.constantFrom(...HOSTILE_CAPABILITIES.map((c) => JSON.parse(c === '*' ? '"*"' : c) as unknown)),
    ttl: fc.integer(),
    extra: fc.jsonValue({ maxDepth: 3 }),
  })
  .map((value) => JSON.stringify(value));

const BODIES: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 4, arbitrary: jsonHostile.map((s) => Buffer.from(s)) },
  {
    weight: 3,
    arbitrary: fc
      .constantFrom(
        '{"clientId":',
        '{',
        'nul',
        '[1,2',
        '{"a":1}}',
        '\ufeff{"clientId":"admin"}',
        '{"__proto__":{"clientId":"admin"},"constructor":{"prototype":{"clientId":"admin"}}}',
        '"admin"',
        'null',
        '{"clientId":"\\ud800"}',
        '',
      )
      .map((s) => Buffer.from(s)),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 50_000 }).map((depth) => Buffer.from('['.repeat(depth) + ']'.repeat(depth % 3 === 0 ? depth : 0))) },
  {
    weight: 3,
    arbitrary: fc
      .array(fc.tuple(paramKey, hostileValue), { maxLength: 8 })
      .map((pairs) => Buffer.from(pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'))),
  },
  { weight: 1, arbitrary: fc.integer({ min: 2, max: 5000 }).map((n) => Buffer.from(Array(n).fill('clientId=admin').join('&'))) },
  { weight: 1, arbitrary: fc.constantFrom('%zz=%E0&&==&a', 'clientId', '=&=&=', 'a=%F0%9F%98').map((s) => Buffer.from(s)) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }).map((s) => Buffer.from(s)) },
  { weight: 1, arbitrary: fc.constant(Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x7b])) },
  // Oversized: past express's 100 kB and Fastify's 1 MiB limits.
  {
    weight: 1,
    arbitrary: fc
      .oneof({ weight: 4, arbitrary: fc.constant(150_000) }, { weight: 1, arbitrary: fc.constant(1_100_000) })
      .map((size) => Buffer.from(`{"clientId":"${'a'.repeat(size)}"}`)),
  },
);

// Stripped from generated header values and cookie junk: this fuzzing is of well-formed headers
// (raw control characters are sent by their own case, `controlCharHeader`).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;
// eslint-disable-next-line no-control-regex -- matching control characters is the point (and ';', which would end the cookie)
const CONTROL_CHARACTERS_OR_SEMICOLON = /[\u0000-\u001f\u007f;]/g;

const hostileHeader = fc.oneof(
  fc.constantFrom<[string, string]>(
    ['X-Ably-ClientId', 'admin'],
    ['ClientId', '*'],
    ['X-Client-Id', 'alice'],
    ['Capability', '{"*":["*"]}'],
    ['X-Ably-Capability', '{"[*]*":["*"]}'],
    ['Authorization', 'Bearer eyJhbGciOiJub25lIn0.eyJ4LWFibHktY2xpZW50SWQiOiJhZG1pbiJ9.'],
    ['Authorization', 'Basic c3RyZXNzQXBwLnN0cmVzc0tleTpzZWNyZXQ='],
    ['X-Forwarded-For', '203.0.113.7, 10.0.0.1'],
    ['X-Forwarded-Host', 'evil.example'],
    ['X-Forwarded-Proto', 'javascript'],
    ['X-HTTP-Method-Override', 'PUT'],
    ['X-User', 'admin'],
    ['Accept', 'application/json, text/plain'],
    ['Accept', '*/*;q=0.0, text/html;q=2'],
    ['Accept-Encoding', 'gzip, br, zstd, x-unknown'],
    ['Accept-Language', '*;q=-1'],
    ['Origin', 'https://evil.example'],
    ['Range', 'bytes=0-1,2-3'],
    ['If-None-Match', '*'],
    ['Upgrade-Insecure-Requests', '1'],
  ),
  fc
    .tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,24}$/), fc.string({ unit: 'grapheme', maxLength: 60 }))
    .map(([name, value]): [string, string] => [`x-${name}`, value.replace(CONTROL_CHARACTERS, '')]),
);

/** `arbitrary` in `percent`% of the cases, else null. */
function sometimes<T>(arbitrary: fc.Arbitrary<T>, percent: number): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: 100 - percent, arbitrary: fc.constant(null) }, { weight: percent, arbitrary });
}

/** A Cookie header plan: which Cookie lines to send. */
function cookieLines(sessions: SessionStore): fc.Arbitrary<string[]> {
  const user = fc.constantFrom(...FUZZ_USERS.map((u) => u.id));
  const valid = user.map((id) => sessions.cookieOf(id));
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant<string[]>([]) },
    { weight: 8, arbitrary: valid.map((c): string[] => [c]) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('session=sid-forged', 'session=alice', 'session=', 'session=*', 'SESSION=x', 'sessionid=1').map((c): string[] => [c]),
    },
    // Several session cookies on one line, or several Cookie lines: the first `session=` wins.
    { weight: 1, arbitrary: fc.tuple(valid, valid, fc.boolean()).map(([a, b, sameLine]) => (sameLine ? [`${a}; ${b}`] : [a, b])) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.string({ unit: 'grapheme', maxLength: 40 }), valid)
        .map(([junk, c]) => [`${junk.replace(CONTROL_CHARACTERS_OR_SEMICOLON, '')}; ${c}`]),
    },
  );
}

/** The generator of one fuzz case. */
export function fuzzCaseArbitrary(sessions: SessionStore): fc.Arbitrary<FuzzCase> {
  const method = fc.oneof(
    { weight: 40, arbitrary: fc.constant('GET') },
    { weight: 30, arbitrary: fc.constant('POST') },
    { weight: 15, arbitrary: fc.constantFrom(...KNOWN_METHODS) },
    { weight: 8, arbitrary: fc.constantFrom(...EXOTIC_METHODS) },
    { weight: 2, arbitrary: fc.constantFrom(...INVALID_METHODS) },
  );
  const rawTarget = sometimes(fc.constantFrom('/api/ably-token?clientId=ädmin', '/api/ably-tökén', '/用户?capability={"*":["*"]}'), 1);
  return fc
    .record({
      method,
      path: pathArb,
      query,
      rawTarget,
      cookies: cookieLines(sessions),
      hostileHeaders: fc.array(hostileHeader, { maxLength: 6 }),
      repeatedHeader: sometimes(fc.integer({ min: 2, max: 400 }), 5),
      controlCharHeader: sometimes(fc.constant(true), 1),
      omitHost: sometimes(fc.constant(true), 1),
      body: sometimes(BODIES, 75),
      bodyOnGet: sometimes(BODIES, 8),
      contentType: sometimes(fc.constantFrom(...CONTENT_TYPES), 90),
      contentEncoding: sometimes(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown', 'gzip, gzip'), 4),
      chunked: sometimes(fc.constant(true), 15),
    })
    .map((plan): FuzzCase => {
      const hasBodyByDefault = !['GET', 'HEAD', 'OPTIONS'].includes(plan.method);
      const body = hasBodyByDefault ? (plan.body ?? undefined) : (plan.bodyOnGet ?? undefined);
      const headers: [string, string][] = [];
      for (const line of plan.cookies) headers.push(['Cookie', line]);
      headers.push(...plan.hostileHeaders);
      if (plan.repeatedHeader) for (let i = 0; i < plan.repeatedHeader; i++) headers.push(['X-Repeated', `v${i}`]);
      if (body !== undefined && plan.contentType !== null) headers.push(['Content-Type', plan.contentType]);
      if (body !== undefined && plan.contentEncoding !== null) headers.push(['Content-Encoding', plan.contentEncoding]);
      if (plan.controlCharHeader) headers.push(['X-Control', 'a\u0001b']);
      // Shuffle-free but varied order: cookies first half the time.
      if (plan.hostileHeaders.length % 2 === 1) headers.reverse();
      const target = plan.rawTarget ?? (plan.query ? `${plan.path.path}?${plan.query}` : plan.path.path);
      const pathKind: PathKind = plan.rawTarget !== null ? 'off' : plan.path.kind;
      const malformedHttp =
        (INVALID_METHODS as readonly string[]).includes(plan.method) || plan.rawTarget !== null || plan.controlCharHeader === true || plan.omitHost === true;
      const cookieLinesSent = headers.filter(([name]) => name === 'Cookie').map(([, value]) => value);
      return {
        request: {
          method: plan.method,
          target,
          headers,
          ...(body !== undefined ? { body } : {}),
          framing: plan.chunked ? 'chunked' : 'length',
          omitHost: plan.omitHost === true,
        },
        pathKind,
        malformedHttp,
        badPathEscape: !decodes(target.split('?')[0]!),
        // Node decodes header bytes as latin1 and joins repeated Cookie lines with '; ', in order.
        cookie: cookieLinesSent.length ? cookieLinesSent.map((c) => Buffer.from(c, 'utf8').toString('latin1')).join('; ') : undefined,
      };
    });
}

/** A one-line description of a case, for failure reports. */
export function describeCase(c: FuzzCase): string {
  const { request } = c;
  const target = request.target.length > 160 ? `${request.target.slice(0, 160)}... (${request.target.length} chars)` : request.target;
  const headers = request.headers.length > 12 ? `${request.headers.length} headers` : JSON.stringify(request.headers).slice(0, 400);
  const body =
    request.body === undefined
      ? 'no body'
      : `${request.body.length}-byte ${request.framing} body ${JSON.stringify(request.body.subarray(0, 60).toString('latin1'))}`;
  return `${request.method} ${JSON.stringify(target)} [${c.pathKind}${c.malformedHttp ? ', malformed' : ''}${request.omitHost ? ', no Host' : ''}] ${headers} ${body}`;
}
