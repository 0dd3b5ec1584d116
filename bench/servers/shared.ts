/* What every bench server shares: the key, the test user resolver, the three-room policy, the two
 * reference routes' signing (bare: jsonwebtoken with a prebuilt KeyObject; seed: the seed page's
 * snippet, a string secret on every call), and the IPC harness the runner drives.
 *
 * A bench server process serves ONE route (`routeToServe()`): the three routes of a framework run
 * in three processes, so they never share a JIT state (all three call into jsonwebtoken, whose
 * optimised code would otherwise depend on which route warmed it first), as in a real app. */
import { ALL_CHAT_OPERATIONS } from '@ably-chat-auth/adapter-contract/chat-operations';
import { createSecretKey } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { loadJsonwebtoken } from './deps';

const jwt = loadJsonwebtoken();

export const KEY_NAME = 'benchApp.benchKey';
const KEY_SECRET = 'YmVuY2gtc2VjcmV0LW5vdC1yZWFsLWFibHkta2V5LXZhbHVl';
/** A well-formed, fake Ably key: nothing here talks to Ably. */
export const API_KEY = `${KEY_NAME}:${KEY_SECRET}`;
/** For the runner's check that every route signs with this key. */
export const KEY_SECRET_FOR_VERIFY = KEY_SECRET;

/** The path of each route. */
export const ROUTES = { adapter: '/api/ably-token', bare: '/bare-token', seed: '/seed-token' } as const;
export type RouteName = keyof typeof ROUTES;

/** The route this server process serves: the last command-line argument. */
export function routeToServe(): RouteName {
  const route = process.argv.at(-1);
  if (route !== 'adapter' && route !== 'bare' && route !== 'seed') throw new Error(`A bench server serves one route: adapter, bare or seed; got ${route}.`);
  return route;
}

/** The signing function of a reference route. */
export function signerOf(route: 'bare' | 'seed'): (userId: string) => string {
  return route === 'bare' ? signBare : signSeed;
}

/** The test "session": the user id travels in a header; no header, no user (401). */
export const USER_HEADER = 'x-bench-user';

export interface BenchUser {
  id: string;
}

/** The fixed test resolver: the user named by the x-bench-user header. */
export function userFromHeader(headers: Readonly<Record<string, string | string[] | undefined>>): BenchUser | undefined {
  const id = headers[USER_HEADER];
  return typeof id === 'string' && id !== '' ? { id } : undefined;
}

/** The realistic three-room policy every adapter route runs per request. */
export function chatPolicy(user: BenchUser) {
  return {
    lobby: 'all',
    announcements: ['receive', 'history', 'occupancy'],
    [`dms:${user.id}:*`]: ['send', 'receive', 'history', 'typing', 'presence'],
  } as const;
}

// The same policy, as the Ably capability a hand-written route would spell out (what core compiles
// it to; the runner checks that the three routes' tokens carry the very same capability).
const ANNOUNCEMENTS_OPS = ['channel-metadata', 'history', 'subscribe'];
const DMS_OPS = ['history', 'presence', 'publish', 'subscribe'];
const LOBBY_OPS = ALL_CHAT_OPERATIONS;

function capabilityJson(userId: string): string {
  return JSON.stringify({ announcements: ANNOUNCEMENTS_OPS, [`dms:${userId}:*`]: DMS_OPS, lobby: LOBBY_OPS });
}

const secretKey = createSecretKey(Buffer.from(KEY_SECRET, 'utf8'));

/** The bare baseline: jsonwebtoken with a KeyObject built once. */
export function signBare(userId: string): string {
  return jwt.sign({ 'x-ably-capability': capabilityJson(userId), 'x-ably-clientId': userId }, secretKey, {
    algorithm: 'HS256',
    keyid: KEY_NAME,
    expiresIn: '1h',
  });
}

// The seed page's server snippet, word for word: the key split once, the secret string on every sign.
const [keyName, keySecret] = API_KEY.split(':') as [string, string];

/** The seed page's snippet: jsonwebtoken given the secret as a string (it builds a key per call). */
export function signSeed(userId: string): string {
  return jwt.sign({ 'x-ably-capability': capabilityJson(userId), 'x-ably-clientId': userId }, keySecret, {
    algorithm: 'HS256',
    keyid: keyName,
    expiresIn: '1h',
  });
}

/** The headers the adapters send with a token; the reference routes send the same bytes. */
export const TOKEN_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
  'X-Content-Type-Options': 'nosniff',
  'Content-Type': 'application/jwt',
};

/** Messages between the runner and a server child. */
export type ToServer = { type: 'memory'; id: number } | { type: 'cpu'; id: number } | { type: 'stop' };
export type FromServer =
  | { type: 'ready'; port: number; framework: string; route: RouteName }
  | { type: 'memory'; id: number; rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number }
  | { type: 'cpu'; id: number; user: number; system: number };

function send(message: FromServer): void {
  process.send?.(message);
}

declare const gc: undefined | (() => void);

/**
 * Runs a bench server in this (child) process: starts it, tells the runner its port, answers
 * memory snapshots (after full GCs) and CPU time used so far, and stops on request. Needs `--expose-gc`.
 */
export function runBenchServer(framework: string, route: RouteName, start: () => Promise<Server>): void {
  if (!process.send) throw new Error('A bench server runs as a child of bench/run.ts (it talks over IPC).');
  if (typeof gc !== 'function') throw new Error('Run bench servers with --expose-gc.');
  start().then(
    (server) => {
      process.on('message', (message: ToServer) => {
        if (message.type === 'memory') {
          // Two full collections: the second one frees what the first one's finalisers released.
          gc();
          gc();
          const m = process.memoryUsage();
          send({
            type: 'memory',
            id: message.id,
            rss: m.rss,
            heapUsed: m.heapUsed,
            heapTotal: m.heapTotal,
            external: m.external,
            arrayBuffers: m.arrayBuffers,
          });
        } else if (message.type === 'cpu') {
          const { user, system } = process.cpuUsage();
          send({ type: 'cpu', id: message.id, user, system });
        } else if (message.type === 'stop') {
          server.closeAllConnections();
          server.close(() => process.exit(0)); // a normal exit, so --cpu-prof writes its profile
        }
      });
      process.on('disconnect', () => process.exit(0));
      send({ type: 'ready', port: (server.address() as AddressInfo).port, framework, route });
    },
    (error: unknown) => {
      console.error(`The ${framework} bench server (${route} route) failed to start:`, error);
      process.exit(1);
    },
  );
}
