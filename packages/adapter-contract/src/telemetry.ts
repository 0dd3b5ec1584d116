/**
 * `@ably-chat-auth/adapter-contract/telemetry`: real OpenTelemetry SDK providers that keep what
 * the token route emits in memory, for core's and the adapters' telemetry tests.
 */
import { MeterProvider, MetricReader, DataPointType, type MetricData } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import type { Attributes } from '@opentelemetry/api';

/** A metric reader a test collects from on demand (the SDK's readers are abstract or periodic). */
class CollectingReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** One data point of a counter: its attributes and value. */
export interface CounterPoint {
  attributes: Attributes;
  value: number;
}

/** One data point of a histogram: its attributes, how many values and their sum. */
export interface HistogramPoint {
  attributes: Attributes;
  count: number;
  sum: number;
}

/** What {@link createTestTelemetry} returns. */
export interface TestTelemetry {
  /** Pass as the route's `telemetry` option. */
  options: { tracerProvider: TracerProvider; meterProvider: MeterProvider };
  tracerProvider: TracerProvider;
  meterProvider: MeterProvider;
  /** The ended spans so far. */
  spans(): ReadableSpan[];
  /** The data points of the named counter, collected now (cumulative). */
  counter(name: string): Promise<CounterPoint[]>;
  /** The data points of the named histogram, collected now (cumulative). */
  histogram(name: string): Promise<HistogramPoint[]>;
  /** The metric descriptors collected now (name, unit, type). */
  metrics(): Promise<MetricData[]>;
  /** Every attribute value of every span, span event and metric data point, as text, for leak scans. */
  everyAttributeValue(): Promise<string[]>;
  shutdown(): Promise<void>;
}

/**
 * A tracer provider with an in-memory exporter and a meter provider with an on-demand reader.
 *
 * @example
 * const telemetry = createTestTelemetry();
 * const route = createTokenRoute({ ...options, telemetry: telemetry.options });
 * await route.handle(request);
 * expect(await telemetry.counter('ably_chat_auth.token.answers')).toEqual([...]);
 */
export function createTestTelemetry(): TestTelemetry {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const reader = new CollectingReader();
  const meterProvider = new MeterProvider({ readers: [reader] });

  async function metrics(): Promise<MetricData[]> {
    const { resourceMetrics, errors } = await reader.collect();
    if (errors.length > 0) throw new AggregateError(errors, 'Collecting metrics failed.');
    return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
  }

  const spans = () => exporter.getFinishedSpans();
  return {
    options: { tracerProvider, meterProvider },
    tracerProvider,
    meterProvider,
    spans,
    metrics,
    async counter(name) {
      const metric = (await metrics()).find((m) => m.descriptor.name === name);
      if (!metric || metric.dataPointType !== DataPointType.SUM) return [];
      return metric.dataPoints.map((point) => ({ attributes: point.attributes, value: point.value }));
    },
    async histogram(name) {
      const metric = (await metrics()).find((m) => m.descriptor.name === name);
      if (!metric || metric.dataPointType !== DataPointType.HISTOGRAM) return [];
      return metric.dataPoints.map((point) => ({ attributes: point.attributes, count: point.value.count, sum: point.value.sum ?? 0 }));
    },
    async everyAttributeValue() {
      const values: unknown[] = [];
      for (const span of spans()) {
        values.push(span.name, ...Object.values(span.attributes), span.status.message);
        for (const event of span.events) values.push(event.name, ...Object.values(event.attributes ?? {}));
      }
      for (const metric of await metrics()) {
        for (const point of metric.dataPoints as Array<{ attributes: Attributes }>) values.push(...Object.values(point.attributes));
      }
      return values.filter((value) => value !== undefined).map((value) => (typeof value === 'string' ? value : JSON.stringify(value)));
    },
    async shutdown() {
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}

/** Counter points as `outcome status -> count` (e.g. `{ 'issued 200': 2 }`), the shape tests compare. */
export function countsByOutcome(points: readonly CounterPoint[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const point of points) {
    const key = `${String(point.attributes['ably_chat_auth.outcome'])} ${String(point.attributes['http.response.status_code'])}`;
    counts[key] = (counts[key] ?? 0) + point.value;
  }
  return counts;
}
