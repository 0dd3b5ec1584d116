import { fstatSync, readSync, writeSync } from 'node:fs';
import type { WritableTarget } from './output.js';

// The process's standard streams, reached through their file descriptors when they are pipes or
// files. Creating `process.stdout` or `process.stdin` for a pipe loads Node's net and stream
// modules: about 10 ms of every start, as much as decoding the largest token the CLI accepts. On a
// terminal, where that does not matter and colour and width do, Node's streams are used as ever.

/**
 * True for a terminal, and for other character devices such as /dev/null (which then get Node's
 * stream too: it tells them apart). Asked of fstat, since node:tty loads the net module itself.
 */
function characterDevice(fd: number): boolean {
  try {
    return fstatSync(fd).isCharacterDevice();
  } catch {
    return true; // a closed descriptor: Node's stream knows what to do with it
  }
}

/** Where the CLI writes: buffered, and written out by `flush()` (and whenever 64 KiB are pending). */
export interface StdioTarget extends WritableTarget {
  flush(): void;
}

const FLUSH_AT = 64 * 1024;

/** `ably-chat-auth inspect ... | head` closes the pipe early: stop quietly, as Unix tools do. */
function exitOnClosedPipe(error: NodeJS.ErrnoException): void {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
}

function nodeStream(fd: 1 | 2): NodeJS.WriteStream {
  const stream = fd === 1 ? process.stdout : process.stderr;
  if (stream.listenerCount('error') === 0) stream.on('error', exitOnClosedPipe);
  return stream;
}

/** Standard output (1) or error (2). */
export function stdioTarget(fd: 1 | 2): StdioTarget {
  if (characterDevice(fd)) {
    const stream = nodeStream(fd);
    return { isTTY: stream.isTTY, columns: stream.columns, write: (chunk) => stream.write(chunk), flush: () => undefined };
  }
  let pending: string[] = [];
  let size = 0;
  // Set when the descriptor turns out non-blocking (a parent shared it with O_NONBLOCK): from
  // then on Node's stream, which waits for the pipe, writes everything, in order.
  let stream: NodeJS.WriteStream | undefined;
  const flush = (): void => {
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    size = 0;
    if (stream) {
      stream.write(text);
      return;
    }
    const bytes = Buffer.from(text, 'utf8');
    let offset = 0;
    while (offset < bytes.length) {
      try {
        offset += writeSync(fd, bytes, offset);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') exitOnClosedPipe(error as NodeJS.ErrnoException);
        stream = nodeStream(fd);
        stream.write(bytes.subarray(offset));
        return;
      }
    }
  };
  return {
    write(chunk) {
      pending.push(chunk);
      size += chunk.length;
      if (size >= FLUSH_AT) flush();
    },
    flush,
  };
}

/** Standard input, read on demand in chunks of 64 KiB; the caller stops reading when it has enough. */
export async function* stdinChunks(): AsyncGenerator<Buffer> {
  if (characterDevice(0)) {
    for await (const chunk of process.stdin) yield chunk as Buffer;
    return;
  }
  const buffer = Buffer.allocUnsafe(64 * 1024);
  for (;;) {
    let read: number;
    try {
      read = readSync(0, buffer, 0, buffer.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // EOF: Windows' end of a pipe; EBADF: no standard input at all (read as empty, as Node's stream does).
      if (code === 'EOF' || code === 'EBADF') return;
      if (code !== 'EAGAIN') throw error;
      // A non-blocking descriptor: Node's stream waits for the rest.
      for await (const chunk of process.stdin) yield chunk as Buffer;
      return;
    }
    if (read === 0) return;
    yield Buffer.from(buffer.subarray(0, read));
  }
}
