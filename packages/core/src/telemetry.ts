import type * as OpenTelemetry from '@opentelemetry/api';
import { version } from '../package.json';
import { assertKnownOptions } from './did-you-mean.js';
import { describeValue, invalidOptions, isAblyChatAuthError } from './errors.js';
import { nodeBuiltin, workingDirectory } from './runtime.js';
import type { TokenRouteDecision } from './token-route-decision.js';

/** This module's own file (`__filename` in the CommonJS build, `import.meta.url` in the ESM one), set by the build. */
declare const __CORE_MODULE_FILE__: string | undefined;

/**
 * A tracer provider (an OpenTelemetry SDK's `TracerProvider`). Typed by shape, so the public types
 * never name `@opentelemetry/api`, an optional peer that an app without telemetry does not install.
 */
export interface TelemetryTracerProvider {
  getTracer(name: string, version?: string): object;
}

/** A meter provider (an OpenTelemetry SDK's `MeterProvider`), typed by shape as {@link TelemetryTracerProvider}. */
export interface TelemetryMeterProvider {
  getMeter(name: string, version?: string): object;
}

/**
 * The token route's `telemetry` option. By default the route emits through the global
 * OpenTelemetry providers, which are no-ops until the app registers an SDK.
 *
 * @example
 * createTokenRoute({ apiKey, resolveUser, policy, telemetry: { recordClientId: true } });
 * createTokenRoute({ apiKey, resolveUser, policy, telemetry: { meterProvider: myMeterProvider } });
 * createTokenRoute({ apiKey, resolveUser, policy, telemetry: false }); // no spans, no metrics
 */
export interface TokenRouteTelemetryOptions {
  /** Spans go to this provider instead of the global one. */
  tracerProvider?: TelemetryTracerProvider;
  /** Metrics go to this provider instead of the global one. */
  meterProvider?: TelemetryMeterProvider;
  /** Put the token's clientId on the span as `enduser.id` (personal data; off by default). Never on metrics. */
  recordClientId?: boolean;
}

/** The tracer and meter name (with the package version). */
const INSTRUMENTATION_NAME = '@ably-chat-auth/core';
const SPAN_NAME = 'ably-chat-auth token';
const ANSWERS_METRIC = 'ably_chat_auth.token.answers';
const DURATION_METRIC = 'ably_chat_auth.token.duration';
/** Issuing takes well under a millisecond; a key provider or a policy with I/O takes longer. The top is the 10 s default timeout. */
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** The methods OpenTelemetry's HTTP conventions name; any other becomes `_OTHER`, so a client cannot grow the metrics' cardinality. */
const KNOWN_METHODS = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE']);

type Api = typeof OpenTelemetry;

/** What the api module gives once loaded: the module and its no-op singletons. */
interface LoadedApi {
  api: Api;
  noopTracerProvider: OpenTelemetry.TracerProvider;
  noopMeter: OpenTelemetry.Meter;
}

let loadedApi: LoadedApi | null | undefined;

/**
 * Loads `@opentelemetry/api` on first use, or finds it absent (null). A static import would make
 * the optional peer a hard dependency (the ESM build would fail to link, the CJS one to load).
 * `createRequire(thisFile)` resolves it from this file, as a static import would (the app's
 * node_modules, or pnpm's peer link), synchronously and in both builds: the build defines this
 * file as `__filename` (CJS) or `import.meta.url` (ESM). `node:module` is reached at run time, so
 * runtimes without it (Workers, the edge, browsers) load core and record nothing. An `import()` would be async and miss
 * the first requests; reading the API's global `Symbol.for('opentelemetry.js.api.1')` registration
 * by hand would tie core to the API's private layout. The copy loaded here may be another instance
 * than the app's (its CJS build under an ESM app): the API keeps the registered providers on that
 * global, so every copy sees the same SDK.
 */
function openTelemetryApi(): LoadedApi | null {
  if (loadedApi === undefined) {
    const api = requireOpenTelemetryApi([moduleFile(), workingDirectory()]);
    loadedApi = api && { api, noopTracerProvider: new api.ProxyTracerProvider().getDelegate(), noopMeter: api.createNoopMeter() };
  }
  return loadedApi;
}

/**
 * `@opentelemetry/api` resolved from the first of `bases` that finds it, or null. From this file
 * first; then from the working directory, because a bundler that compiles core into the app's
 * server bundle (Next.js with a workspace or linked core) freezes `__filename` to the path core had
 * on the build machine: run from anywhere else, the first lookup finds nothing, while the app's
 * own node_modules, where the SDK's copy of the API lives, is under the working directory.
 * @internal exported for tests
 */
export function requireOpenTelemetryApi(bases: ReadonlyArray<string | undefined>): Api | null {
  const createRequire = nodeBuiltin<{ createRequire(this: void, base: string): (id: string) => unknown }>('node:module')?.createRequire;
  if (!createRequire) return null;
  for (const base of bases) {
    if (base === undefined) continue;
    try {
      return createRequire(base)('@opentelemetry/api') as Api;
    } catch {
      // Not resolvable from this base: try the next.
    }
  }
  return null;
}

/** Node's CommonJS wrapper variable, declared here rather than through @types/node (core builds without it). */
declare const __filename: string | undefined;

/**
 * This module's file: what the build defined, else `__filename` where the sources run as CommonJS
 * (tests, and apps whose TypeScript paths point at core's sources).
 */
function moduleFile(): string | undefined {
  if (typeof __CORE_MODULE_FILE__ === 'string') return __CORE_MODULE_FILE__;
  return typeof __filename === 'string' ? __filename : undefined;
}

/** The instruments of one meter provider. */
interface Instruments {
  answers: OpenTelemetry.Counter;
  duration: OpenTelemetry.Histogram;
}

function createInstruments(meter: OpenTelemetry.Meter): Instruments {
  return {
    answers: meter.createCounter(ANSWERS_METRIC, {
      description: 'Answers of the Ably token route, by outcome and HTTP status.',
      unit: '{answer}',
    }),
    duration: meter.createHistogram(DURATION_METRIC, {
      description: 'How long the Ably token route took to answer.',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
  };
}

/** The tracer and instruments to use for one request; undefined fields are not recording. */
interface Recorders {
  api: Api;
  tracer: OpenTelemetry.Tracer | undefined;
  instruments: Instruments | undefined;
}

/**
 * Finds, per request, whether anything records: the providers are looked up each time because an
 * SDK may be registered after the route is created (the global meter provider has no proxy), and
 * each provider's tracer and instruments are made once. Without an SDK this is two global look-ups
 * and two comparisons, with no allocation.
 */
function recordersFor(options: TokenRouteTelemetryOptions, traces = true): () => Recorders | undefined {
  let tracerProvider: object | undefined;
  let meterProvider: object | undefined;
  const recorders: Recorders = { api: undefined as unknown as Api, tracer: undefined, instruments: undefined };
  return () => {
    const loaded = openTelemetryApi();
    if (!loaded) return undefined;
    const { api } = loaded;
    let tracing = !traces ? loaded.noopTracerProvider : ((options.tracerProvider as OpenTelemetry.TracerProvider | undefined) ?? api.trace.getTracerProvider());
    // The global provider is the API's proxy: its delegate tells whether an SDK is registered. Duck-typed,
    // because a proxy registered by another copy of the API is not an instance of this copy's class.
    const delegating = tracing as Partial<OpenTelemetry.ProxyTracerProvider>;
    if (traces && options.tracerProvider === undefined && typeof delegating.getDelegate === 'function') tracing = delegating.getDelegate();
    if (tracing !== tracerProvider) {
      tracerProvider = tracing;
      recorders.tracer = tracing === loaded.noopTracerProvider ? undefined : tracing.getTracer(INSTRUMENTATION_NAME, version);
    }
    const metering = (options.meterProvider as OpenTelemetry.MeterProvider | undefined) ?? api.metrics.getMeterProvider();
    if (metering !== meterProvider) {
      meterProvider = metering;
      const meter = metering.getMeter(INSTRUMENTATION_NAME, version);
      recorders.instruments = meter === loaded.noopMeter ? undefined : createInstruments(meter);
    }
    if (!recorders.tracer && !recorders.instruments) return undefined;
    recorders.api = api;
    return recorders;
  };
}

/** The recording of one request: its span's context, then its decision. */
export interface DecisionRecording {
  /** Runs the route's steps with the span active, so spans of the app's resolver, policy or key provider are its children. */
  run<T>(steps: () => T): T;
  /** Ends the span and counts the decision. */
  end(decision: TokenRouteDecision): void;
  /** Ends the span and counts a fault that escaped the route's steps (a 500 to the adapter). */
  endThrown(error: unknown): void;
}

/** The token route's telemetry: records each decision, as a span and in the metrics. */
export interface RouteTelemetry {
  /** Starts recording one request; undefined, with nothing allocated, when nothing records. */
  start(method: unknown): DecisionRecording | undefined;
}

const OFF: RouteTelemetry = { start: () => undefined };

/**
 * Checks the `telemetry` option and builds the route's telemetry (at route creation).
 * @throws AblyChatAuthError `ERR_INVALID_OPTIONS` for anything but false, true or an options object with providers; `ERR_UNKNOWN_OPTION` for a misspelt name.
 */
export function createRouteTelemetry(option: unknown, where: string): RouteTelemetry {
  if (option === false) return OFF;
  const options = resolveTelemetryOptions(option, where);
  const recorders = recordersFor(options);

  function start(method: unknown): DecisionRecording | undefined {
    const live = recorders();
    if (!live) return undefined;
    const { api, tracer, instruments } = live;
    const started = performance.now();
    const requestMethod = typeof method === 'string' && KNOWN_METHODS.has(method.toUpperCase()) ? method.toUpperCase() : '_OTHER';
    // The context is passed explicitly: the SDK may sit on another copy of the API than the one loaded here.
    const parent = api.context.active();
    const span = tracer?.startSpan(SPAN_NAME, { kind: api.SpanKind.INTERNAL, attributes: { 'http.request.method': requestMethod } }, parent);
    let ended = false;

    function record(decision: TokenRouteDecision | { outcome: 'error'; status: 500; error: unknown; phase?: undefined }): void {
      if (ended) return;
      ended = true;
      const { outcome } = decision;
      const attributes: OpenTelemetry.Attributes = {
        'http.request.method': requestMethod,
        'http.response.status_code': decision.status,
        'ably_chat_auth.outcome': outcome,
      };
      const failed = 'error' in decision;
      if (failed && decision.phase !== undefined) attributes['ably_chat_auth.phase'] = decision.phase;
      if (failed) attributes['error.type'] = errorType(decision.error);
      if (instruments) {
        instruments.answers.add(1, attributes);
        instruments.duration.record((performance.now() - started) / 1000, attributes);
      }
      if (!span) return;
      span.setAttributes(attributes);
      if (decision.outcome === 'issued') span.setAttribute('ably_chat_auth.rooms', decision.rooms.length);
      if (options.recordClientId === true && 'clientId' in decision && decision.clientId !== undefined) span.setAttribute('enduser.id', decision.clientId);
      if (failed) {
        if (decision.error !== undefined) span.recordException(exceptionOf(decision.error));
        span.setStatus({
          code: api.SpanStatusCode.ERROR,
          message: decision.phase ? `The token route failed in ${decision.phase}.` : 'The token route failed.',
        });
      }
      span.end();
    }

    return {
      run: (steps) => (span ? api.context.with(api.trace.setSpan(parent, span), steps) : steps()),
      end: record,
      endThrown: (error) => record({ outcome: 'error', status: 500, error }),
    };
  }

  return { start };
}

function resolveTelemetryOptions(option: unknown, where: string): TokenRouteTelemetryOptions {
  if (option === undefined || option === true) return {};
  const fix = 'pass false, or { tracerProvider?, meterProvider?, recordClientId? } with OpenTelemetry SDK providers';
  if (typeof option !== 'object' || option === null || Array.isArray(option)) {
    throw invalidOptions(`${where}: telemetry must be false or an options object (${fix}); got ${describeValue(option)}.`);
  }
  const options = option as Record<string, unknown>;
  assertKnownOptions(options, ['tracerProvider', 'meterProvider', 'recordClientId'], `${where} telemetry`);
  const provider = (name: 'tracerProvider' | 'meterProvider', method: 'getTracer' | 'getMeter') => {
    const value = options[name] as Record<string, unknown> | undefined | null;
    if (value !== undefined && (typeof value !== 'object' || value === null || typeof value[method] !== 'function')) {
      throw invalidOptions(`${where}: telemetry.${name} must have a ${method}() method (an OpenTelemetry SDK provider); got ${describeValue(value)}.`);
    }
  };
  provider('tracerProvider', 'getTracer');
  provider('meterProvider', 'getMeter');
  if (options.recordClientId !== undefined && typeof options.recordClientId !== 'boolean') {
    throw invalidOptions(`${where}: telemetry.recordClientId must be true or false; got ${describeValue(options.recordClientId)}.`);
  }
  return options;
}

/** `error.type`: the error code of core's errors, the class name of others (low cardinality, never a message). */
function errorType(error: unknown): string {
  if (isAblyChatAuthError(error)) return error.code;
  if (error instanceof Error) return error.name;
  return '_OTHER';
}

function exceptionOf(error: unknown): OpenTelemetry.Exception {
  if (error instanceof Error) return error;
  return { name: 'NonError', message: describeValue(error) };
}

/**
 * Counts a token request that an app's rate limiter refused with 429 before the token route ran,
 * in the route's answer counter (`ably_chat_auth.token.answers`, outcome `rate_limited`), so one
 * metric shows every answer. A no-op when `@opentelemetry/api` is absent or no SDK is registered.
 *
 * @example
 * // express-rate-limit in front of the token route:
 * rateLimit({ limit: 300, handler: (req, res) => { recordRateLimited({ method: req.method }); res.status(429).end(); } });
 */
export function recordRateLimited(options: { method?: string; meterProvider?: TelemetryMeterProvider } = {}): void {
  const live = rateLimitRecorders(options.meterProvider);
  if (!live?.instruments) return;
  const method = typeof options.method === 'string' && KNOWN_METHODS.has(options.method.toUpperCase()) ? options.method.toUpperCase() : '_OTHER';
  live.instruments.answers.add(1, { 'http.request.method': method, 'http.response.status_code': 429, 'ably_chat_auth.outcome': 'rate_limited' });
}

const rateLimitRecordersByProvider = new WeakMap<object, () => Recorders | undefined>();
const globalRateLimitRecorders = recordersFor({}, false);

function rateLimitRecorders(meterProvider: TelemetryMeterProvider | undefined): Recorders | undefined {
  if (meterProvider === undefined) return globalRateLimitRecorders();
  let recorders = rateLimitRecordersByProvider.get(meterProvider);
  if (!recorders) {
    recorders = recordersFor({ meterProvider }, false);
    rateLimitRecordersByProvider.set(meterProvider, recorders);
  }
  return recorders();
}
