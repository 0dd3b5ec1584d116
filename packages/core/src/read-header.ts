// Request headers in either shape frameworks give them; every adapter and core read them here.

/**
 * Request headers as frameworks expose them: Node's `IncomingHttpHeaders` (lower-case names:
 * Express, Koa, Fastify, NestJS) or a Fetch `Headers` object.
 */
export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>> | { get(name: string): string | null };

/** Reads one header, whatever shape the framework gives; `name` is lower-case. */
export function readHeader(headers: RequestHeaders | undefined, name: string): string | undefined {
  if (headers === undefined || headers === null) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const value = (headers as Readonly<Record<string, string | string[] | undefined>>)[name];
  return Array.isArray(value) ? value[0] : value;
}
