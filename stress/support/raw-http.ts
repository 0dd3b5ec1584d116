/* A raw HTTP/1.1 client over node:net: the request is written byte for byte (any method token, raw
 * bytes in the target and header values, duplicate headers), so the fuzzer can send what fetch and
 * node:http refuse to. The framing (Host, Content-Length or chunked) is always correct, so every
 * request gets exactly one answer and a hang means the server hung. */
import { connect } from 'node:net';

export interface RawRequest {
  method: string;
  /** Request target as written on the request line (UTF-8 encoded on the wire). */
  target: string;
  /** Header lines in order, duplicates allowed; values are UTF-8 encoded on the wire. */
  headers: readonly (readonly [string, string])[];
  body?: Buffer;
  /** `length` (Content-Length) or `chunked` (Transfer-Encoding: chunked). Default `length`. */
  framing?: 'length' | 'chunked';
  /** Leave out the Host header (Node answers 400). */
  omitHost?: boolean;
}

export interface RawResponse {
  status: number;
  /** Lower-cased header names; repeated headers keep every value. */
  headers: Record<string, string[]>;
  body: Buffer;
}

export type RawOutcome = { ok: true; response: RawResponse } | { ok: false; error: string };

/** The bytes of the request line and headers (for the 16 KiB header limit). */
export function encodeHead(request: RawRequest, port: number): Buffer {
  const lines = [`${request.method} ${request.target} HTTP/1.1`];
  if (!request.omitHost) lines.push(`Host: 127.0.0.1:${port}`);
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`);
  const body = request.body;
  if (body !== undefined) lines.push(request.framing === 'chunked' ? 'Transfer-Encoding: chunked' : `Content-Length: ${body.length}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
}

function encodeBody(request: RawRequest): Buffer {
  const body = request.body;
  if (body === undefined) return Buffer.alloc(0);
  if (request.framing !== 'chunked') return body;
  const parts: Buffer[] = [];
  for (let offset = 0; offset < body.length; offset += 64 * 1024) {
    const piece = body.subarray(offset, offset + 64 * 1024);
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

type Parsed = { done: false } | { done: true; response: RawResponse };

/** Parses one response from the start of `data` (skipping 1xx), or says it is not complete yet. */
function parseResponse(data: Buffer, method: string, ended: boolean): Parsed {
  let start = 0;
  for (;;) {
    const headEnd = data.indexOf('\r\n\r\n', start);
    if (headEnd < 0) return { done: false };
    const lines = data.subarray(start, headEnd).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1]);
    if (!Number.isInteger(status)) throw new Error(`bad status line ${JSON.stringify(lines[0])}`);
    const headers: Record<string, string[]> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      (headers[name] ??= []).push(line.slice(colon + 1).trim());
    }
    const bodyStart = headEnd + 4;
    if (status >= 100 && status < 200) {
      start = bodyStart;
      continue;
    }
    if (method === 'HEAD' || status === 204 || status === 304) return { done: true, response: { status, headers, body: Buffer.alloc(0) } };
    const length = headers['content-length']?.[0];
    if (length !== undefined) {
      const end = bodyStart + Number(length);
      return data.length >= end ? { done: true, response: { status, headers, body: data.subarray(bodyStart, end) } } : { done: false };
    }
    if (headers['transfer-encoding']?.some((v) => /chunked/i.test(v))) {
      const chunks: Buffer[] = [];
      let at = bodyStart;
      for (;;) {
        const lineEnd = data.indexOf('\r\n', at);
        if (lineEnd < 0) return { done: false };
        const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
        if (size === 0)
          return data.indexOf('\r\n', lineEnd + 2) >= 0 ? { done: true, response: { status, headers, body: Buffer.concat(chunks) } } : { done: false };
        if (data.length < lineEnd + 2 + size + 2) return { done: false };
        chunks.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
      }
    }
    // No framing: the body runs to the end of the connection.
    return ended ? { done: true, response: { status, headers, body: data.subarray(bodyStart) } } : { done: false };
  }
}

/**
 * Sends one request on a fresh connection and resolves with the first complete answer, then
 * drops the connection (the rest of a large body may still be on its way: that is fine).
 * Never rejects: connection errors and timeouts come back as `{ ok: false }`.
 */
export function sendRaw(port: number, request: RawRequest, timeoutMs = 15_000): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let data: Buffer = Buffer.alloc(0);
    let settled = false;
    const finish = (outcome: RawOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const check = (ended: boolean) => {
      try {
        const parsed = parseResponse(data, request.method, ended);
        if (parsed.done) finish({ ok: true, response: parsed.response });
        else if (ended)
          finish({ ok: false, error: data.length ? `connection closed mid-answer (${data.length} bytes)` : 'connection closed without an answer' });
      } catch (error) {
        finish({ ok: false, error: (error as Error).message });
      }
    };
    const timer = setTimeout(() => finish({ ok: false, error: `no answer within ${timeoutMs} ms` }), timeoutMs);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      data = data.length ? Buffer.concat([data, chunk]) : chunk;
      check(false);
    });
    socket.on('end', () => check(true));
    socket.on('close', () => check(true));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A reset after the answer arrived is the server dropping an unread upload: keep the answer.
      check(true);
      finish({ ok: false, error: `${error.code ?? error.message}` });
    });
    socket.write(encodeHead(request, port));
    const body = encodeBody(request);
    if (body.length) socket.write(body);
  });
}

/** Runs `task` over `items` with at most `limit` in flight; results keep the items' order. */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
