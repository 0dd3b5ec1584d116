import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatGrants } from '@ably-chat-auth/core';
import { createFetchTokenRoute } from '@ably-chat-auth/core/fetch';
import type { ChatSession, ChatSessionState } from '@ably-chat-auth/client/session';

export const TEST_KEY = 'standIn.testKey:stand-in-secret-used-only-by-these-tests';

/** The demo's people: who may do what. Tests change it between calls. */
export const grants = new Map<string, ChatGrants | null>();

/** A real token route (core's Fetch route) on a real loopback server; `Authorization: Bearer <user>` is the session. */
export interface TestTokenRoute {
  url: string;
  /** Token requests seen, in order: the bearer each carried ('' for none). */
  calls: string[];
  close(): Promise<void>;
}

export async function startTokenRoute(ttl = '1h'): Promise<TestTokenRoute> {
  const route = createFetchTokenRoute<{ id: string }>({
    apiKey: TEST_KEY,
    ttl,
    logger: false,
    resolveUser: (request) => {
      const user = (request.headers.get('authorization') ?? '').replace(/^Bearer /, '');
      return grants.has(user) ? { id: user } : null;
    },
    policy: (user) => grants.get(user.id) ?? null,
  });
  const calls: string[] = [];
  const server: Server = createServer((req, res) => {
    calls.push((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    // The route never reads a body, so a Request from the method, URL and headers is the whole request.
    const request = new Request(`http://127.0.0.1${req.url ?? '/'}`, { method: req.method, headers: req.headers as Record<string, string> });
    void route(request).then(async (response) => {
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => (headers[name] = value));
      res.writeHead(response.status, headers);
      res.end(Buffer.from(await response.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/ably-token`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Resolves with the first state (current or coming) that `accept` takes; rejects after `ms`. */
export function stateWhere(session: ChatSession, accept: (state: ChatSessionState) => boolean, ms = 8_000): Promise<ChatSessionState> {
  if (accept(session.getState())) return Promise.resolve(session.getState());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no matching state within ${ms} ms; it is ${JSON.stringify(describe(session.getState()))}`));
    }, ms);
    const stop = session.subscribe((state) => {
      if (!accept(state)) return;
      clearTimeout(timer);
      stop();
      resolve(state);
    });
  });
}

/** A state without its client objects, for comparing and printing. */
export function describe(state: ChatSessionState): { status: string; clientId?: string | undefined; code?: number } {
  if (state.status === 'connected' || state.status === 'connecting') return { status: state.status, clientId: state.clientId };
  if (state.status === 'forbidden' || state.status === 'failed') return { status: state.status, code: state.reason.code };
  return { status: state.status };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
