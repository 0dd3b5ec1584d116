// Helpers of the test harnesses that start real servers (runtimes/run.mjs, frameworks/run.mjs).
import { createServer } from 'node:http';

/** `promise`, or a rejection naming `name` once `ms` have passed. */
export function withTimeout(promise, ms, name) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${name} did not finish within ${ms / 1000} s`)), ms))),
  ]).finally(() => clearTimeout(timer));
}

/** A TCP port free on 127.0.0.1 at the time of the call (the OS picks it). */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}
