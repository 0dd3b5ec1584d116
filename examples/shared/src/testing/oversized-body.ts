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
export function postChunkedUntilAnswered(url: string, maxBytes: number, waitMs = 20_000): Promise<ChunkedAnswer> {
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
    const answer = (): { status: number; body: string } | undefined => {
      const end = received.indexOf('\r\n\r\n');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1];
      if (end === -1 || status === undefined) return undefined;
      const length = Number(/^content-length:\s*(\d+)/im.exec(received.slice(0, end))?.[1] ?? Number.NaN);
      const body = received.slice(end + 4);
      // Whole when its Content-Length is in; a chunked answer is taken as it stands at the close.
      return body.length >= length || settled ? { status: Number(status), body } : undefined;
    };
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const done = answer();
      if (done) resolve({ ...done, bytesSent });
      else reject(error ?? new Error(`no answer after ${bytesSent} body bytes: ${JSON.stringify(received.slice(0, 200))}`));
    };
    const timer = setTimeout(() => finish(), waitMs);
    socket.on('data', (data: Buffer) => {
      received += data.toString('latin1');
      if (answer()) finish();
    });
    socket.on('end', () => finish());
    // EPIPE or ECONNRESET once the server has answered and closed: its answer is what counts.
    socket.on('error', (error) => finish(error));
    socket.write(`POST ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
    // One chunk per turn of the event loop, so an answer that came in is read before the next
    // write: once a server has answered and closed, a write fails (EPIPE) and the socket is
    // destroyed with whatever it had not yet read.
    const pump = (): void => {
      if (settled) return;
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

/**
 * A Linux process's resident memory from /proc: `peak` is its high-water mark (VmHWM), so growth
 * between two readings covers what a request made the process hold at any moment in between.
 */
export function residentMemory(pid: number): { current: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { current: kib('VmRSS'), peak: kib('VmHWM') };
}
