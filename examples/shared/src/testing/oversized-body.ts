import { readFileSync } from 'node:fs';
import { connect } from 'node:net';

/** What {@link postDeclaringLength} saw. */
export interface DeclaredLengthAnswer {
  /** The answer's status, or undefined when none came within the wait. */
  status: number | undefined;
  /** The answer's body (its first bytes), to check the error message. */
  body: string;
}

/**
 * POSTs to `url` a request whose `Content-Length` says `declaredBytes` but sends only its first 16
 * bytes, then waits up to `waitMs` for an answer. A server that checks the length first answers at
 * once; one that waits for the whole body never does (status undefined).
 *
 * @example expect((await postDeclaringLength(baseUrl + '/login', 300_000_000)).status).toBe(413);
 */
export function postDeclaringLength(url: string, declaredBytes: number, waitMs = 5_000): Promise<DeclaredLengthAnswer> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      const status = /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1];
      resolve({ status: status === undefined ? undefined : Number(status), body: received.slice(received.indexOf('\r\n\r\n') + 4) });
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      // Headers and some body are enough; a JSON error fits in the first packet.
      if (received.includes('\r\n\r\n') && received.length > received.indexOf('\r\n\r\n') + 4) finish();
    });
    socket.on('end', finish);
    socket.on('error', (error) => {
      clearTimeout(timer);
      // A server may close the connection once it has answered.
      if (received) finish();
      else reject(error);
    });
    socket.write(
      `POST ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: ${declaredBytes}\r\n\r\n{"username":"ali`,
    );
  });
}

/** What {@link postChunkedUntilAnswered} saw. */
export interface ChunkedAnswer {
  /** The answer's status. */
  status: number;
  /** The answer's body. */
  body: string;
  /** How many body bytes the client had written when the answer came (or when it stopped at `maxBytes`). */
  bytesSent: number;
}

/**
 * POSTs a chunked body (no `Content-Length`) to `url`, writing 64 KiB chunks as fast as the
 * server reads them, until an answer comes or `maxBytes` are written, then waits up to `waitMs`. A server that stops reading
 * at its limit answers after a few kilobytes; one that reads the whole body answers after all of it.
 *
 * @example const { status, bytesSent } = await postChunkedUntilAnswered(baseUrl + '/login', 64 * 2 ** 20);
 */
export async function postChunkedUntilAnswered(url: string, maxBytes: number, waitMs = 20_000): Promise<ChunkedAnswer> {
  // A server that answers early and closes while body bytes are still unread makes its kernel send
  // a reset, and the client's kernel may drop the answer it had already received (EPIPE/ECONNRESET
  // with no answer read). That is TCP, not the server: try again, up to ten times (three were not
  // always enough for workerd while CI ran another lane beside this suite).
  for (let attempt = 1; ; attempt++) {
    try {
      return await postChunkedOnce(url, maxBytes, waitMs);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (attempt >= 10 || (code !== 'EPIPE' && code !== 'ECONNRESET')) throw error;
    }
  }
}

function postChunkedOnce(url: string, maxBytes: number, waitMs: number): Promise<ChunkedAnswer> {
  const { hostname, port, pathname } = new URL(url);
  // Raw chunked framing on a socket, not node:http's client: a server that answers early may close
  // the connection under the rest of the body, and the client must still read the answer it sent.
  const payload = Buffer.alloc(64 * 1024, 'a');
  const chunk = Buffer.concat([Buffer.from(`${payload.length.toString(16)}\r\n`), payload, Buffer.from('\r\n')]);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    let bytesSent = 0;
    let settled = false;
    /** The answer once its headers have come (writing stops then), with its body once that is whole. */
    const answer = (): { status: number; body: string | undefined } | undefined => {
      const end = received.indexOf('\r\n\r\n');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1];
      if (end === -1 || status === undefined) return undefined;
      const head = received.slice(0, end);
      const raw = received.slice(end + 4);
      if (/^transfer-encoding:\s*chunked/im.test(head)) return { status: Number(status), body: dechunked(raw) };
      const length = Number(/^content-length:\s*(\d+)/im.exec(head)?.[1] ?? Number.NaN);
      return { status: Number(status), body: raw.length >= length ? raw : undefined };
    };
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const done = answer();
      if (done?.body !== undefined) resolve({ status: done.status, body: done.body, bytesSent });
      else reject(error ?? new Error(`no whole answer after ${bytesSent} body bytes: ${JSON.stringify(received.slice(0, 200))}`));
    };
    const timer = setTimeout(() => finish(), waitMs);
    socket.on('data', (data: Buffer) => {
      received += data.toString('latin1');
      if (answer()?.body !== undefined) finish();
    });
    socket.on('end', () => finish());
    // EPIPE or ECONNRESET once the server has answered and closed: its answer is what counts.
    socket.on('error', (error) => finish(error));
    socket.write(`POST ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
    // One chunk per turn of the event loop, so an answer that came in is read before the next
    // write: once a server has answered and closed, a write fails (EPIPE) and the socket is
    // destroyed with whatever it had not yet read.
    const pump = (): void => {
      if (settled || answer()) return;
      if (bytesSent >= maxBytes) {
        socket.write('0\r\n\r\n');
        return;
      }
      bytesSent += payload.length;
      if (socket.write(chunk)) setImmediate(pump);
      else socket.once('drain', () => setImmediate(pump));
    };
    pump();
  });
}

/** The body of a chunked HTTP answer, or undefined until its last chunk has come. */
function dechunked(raw: string): string | undefined {
  let body = '';
  let at = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', at);
    if (lineEnd === -1) return undefined;
    const size = parseInt(raw.slice(at, lineEnd), 16);
    if (Number.isNaN(size)) return undefined;
    if (size === 0) return body;
    if (raw.length < lineEnd + 2 + size + 2) return undefined;
    body += raw.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}

/**
 * A Linux process's resident memory from /proc: `peak` is its high-water mark (VmHWM), so growth
 * between two readings covers what a request made the process hold at any moment in between.
 */
export function residentMemory(pid: number): { current: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { current: kib('VmRSS'), peak: kib('VmHWM') };
}
