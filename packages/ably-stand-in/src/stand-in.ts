import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { operationsOn, type Capability } from './capability.js';
import { validateAblyJwt, type AblyErrorInfo, type ValidToken } from './token.js';

// TEST ONLY. A stand-in for Ably's realtime servers, speaking the JSON-format subset of the Ably
// realtime protocol that ably-js and @ably/chat use to connect, re-authenticate and attach a
// room's channel. It is not Ably and models none of Ably's messaging; see README.md.

/** Protocol message actions (ably-js `actions`). */
export const Action = {
  HEARTBEAT: 0,
  ACK: 1,
  NACK: 2,
  CONNECTED: 4,
  DISCONNECTED: 6,
  CLOSE: 7,
  CLOSED: 8,
  ERROR: 9,
  ATTACH: 10,
  ATTACHED: 11,
  DETACH: 12,
  DETACHED: 13,
  AUTH: 17,
} as const;

interface ProtocolMessage {
  action: number;
  id?: string;
  channel?: string;
  flags?: number;
  msgSerial?: number;
  auth?: { accessToken?: string };
  error?: AblyErrorInfo;
  [field: string]: unknown;
}

/** Options of {@link startAblyStandIn}. */
export interface AblyStandInOptions {
  /** The API key (`appId.keyId:secret`) whose secret signs the tokens the stand-in accepts. */
  apiKey: string;
  /** How long before a token expires the stand-in asks the client to re-authenticate (Ably's AUTH). Default 30 s, at most half the TTL. */
  renewLeadMs?: number;
}

/** What the stand-in saw, for assertions. */
export type StandInEvent =
  | { type: 'connected'; connectionId: string; clientId: string | undefined }
  | { type: 'refused'; connectionId: string; code: number }
  | { type: 'auth-requested'; connectionId: string }
  | { type: 'reauthorized'; connectionId: string; clientId: string | undefined; capability: Capability }
  | { type: 'attached'; connectionId: string; channel: string }
  | { type: 'attach-refused'; connectionId: string; channel: string; code: number }
  | { type: 'closed'; connectionId: string };

/** A connection the stand-in holds. */
export interface StandInConnection {
  id: string;
  clientId: string | undefined;
  capability: Capability;
  open: boolean;
}

/** A running stand-in. */
export interface AblyStandIn {
  port: number;
  /** Client options that point ably-js at the stand-in: spread them into `new Ably.Realtime({...})`. */
  clientOptions: {
    realtimeHost: string;
    restHost: string;
    port: number;
    tls: false;
    fallbackHosts: string[];
    useBinaryProtocol: false;
    transports: ['web_socket'];
    connectivityCheckUrl: string;
    wsConnectivityCheckUrl: string;
  };
  events: StandInEvent[];
  connections(): StandInConnection[];
  close(): Promise<void>;
}

/** Starts the stand-in on 127.0.0.1 (an ephemeral port). */
export async function startAblyStandIn(options: AblyStandInOptions): Promise<AblyStandIn> {
  const colon = options.apiKey.indexOf(':');
  if (colon < 1) throw new Error('startAblyStandIn: apiKey must be appId.keyId:secret.');
  const keyName = options.apiKey.slice(0, colon);
  const secret = options.apiKey.slice(colon + 1);
  const events: StandInEvent[] = [];
  const live = new Map<string, StandInConnection & { socket: WebSocket }>();

  const http = createServer((req, res) => {
    // ably-js's connectivity checks, answered as Ably's internet-up endpoint does.
    if (req.url?.startsWith('/is-the-internet-up.txt')) res.writeHead(200, { 'content-type': 'text/plain' }).end('yes');
    else res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', (socket, req) => void accept(socket, req));

  async function accept(socket: WebSocket, req: IncomingMessage): Promise<void> {
    const params = new URL(req.url ?? '/', 'ws://stand-in').searchParams;
    const id = randomUUID().slice(0, 8);
    const send = (message: ProtocolMessage) => socket.readyState === socket.OPEN && socket.send(JSON.stringify(message));
    const fail = (error: AblyErrorInfo, channel?: string) => {
      send({ action: Action.ERROR, ...(channel ? { channel } : {}), error });
      if (!channel) socket.close();
    };
    if (params.get('format') !== 'json') {
      events.push({ type: 'refused', connectionId: id, code: 40000 });
      return void socket.close(1003, 'The Ably stand-in speaks the JSON protocol only: pass useBinaryProtocol: false.');
    }
    const token = params.get('access_token');
    if (!token) {
      events.push({ type: 'refused', connectionId: id, code: 40101 });
      return fail({ code: 40101, statusCode: 401, message: 'The Ably stand-in accepts token auth only (no key, no anonymous).' });
    }
    const first = await validateAblyJwt(token, keyName, secret);
    if ('error' in first) {
      events.push({ type: 'refused', connectionId: id, code: first.error.code });
      return fail(first.error);
    }
    const connection = { id, clientId: first.clientId, capability: first.capability, open: true, socket };
    live.set(id, connection);
    const attached = new Set<string>();
    let renewTimer: NodeJS.Timeout | undefined;
    let expiryTimer: NodeJS.Timeout | undefined;
    const schedule = (valid: ValidToken) => {
      clearTimeout(renewTimer);
      clearTimeout(expiryTimer);
      const left = valid.expires - Date.now();
      renewTimer = setTimeout(
        () => {
          events.push({ type: 'auth-requested', connectionId: id });
          send({ action: Action.AUTH });
        },
        Math.max(0, left - Math.min(options.renewLeadMs ?? 30_000, left / 2)),
      );
      expiryTimer = setTimeout(() => {
        send({ action: Action.DISCONNECTED, error: { code: 40142, statusCode: 401, message: 'Token expired.' } });
        socket.close();
      }, left);
    };
    const connected = () =>
      send({
        action: Action.CONNECTED,
        connectionId: id,
        connectionKey: `${id}!key`,
        connectionDetails: {
          clientId: connection.clientId,
          connectionKey: `${id}!key`,
          maxMessageSize: 65_536,
          maxFrameSize: 524_288,
          maxInboundRate: 1_000,
          connectionStateTtl: 120_000,
          // 0: no idle timer, so the stand-in sends no heartbeats.
          maxIdleInterval: 0,
          serverId: 'ably-stand-in',
        },
      });
    socket.on('close', () => {
      clearTimeout(renewTimer);
      clearTimeout(expiryTimer);
      connection.open = false;
      events.push({ type: 'closed', connectionId: id });
    });
    socket.on('message', (data: Buffer) => void onMessage(JSON.parse(data.toString('utf8')) as ProtocolMessage));
    schedule(first);
    events.push({ type: 'connected', connectionId: id, clientId: connection.clientId });
    connected();

    async function onMessage(message: ProtocolMessage): Promise<void> {
      switch (message.action) {
        case Action.HEARTBEAT:
          return void send({ action: Action.HEARTBEAT, ...(message.id ? { id: message.id } : {}) });
        case Action.CLOSE:
          send({ action: Action.CLOSED });
          return void socket.close();
        case Action.AUTH: {
          const renewed = await validateAblyJwt(message.auth?.accessToken ?? '', keyName, secret);
          if ('error' in renewed) return fail(renewed.error);
          // Ably: a connection's identity never changes.
          if (renewed.clientId !== connection.clientId) {
            return fail({
              code: 40102,
              statusCode: 401,
              message: `Mismatched clientId: the connection is ${String(connection.clientId)}, the renewed token names ${String(renewed.clientId)}.`,
            });
          }
          connection.capability = renewed.capability;
          schedule(renewed);
          events.push({ type: 'reauthorized', connectionId: id, clientId: renewed.clientId, capability: renewed.capability });
          connected();
          for (const channel of attached) {
            if (operationsOn(connection.capability, channel).size === 0) {
              attached.delete(channel);
              fail({ code: 40160, statusCode: 401, message: `Channel denied access based on given capability; channel = ${channel}` }, channel);
            }
          }
          return;
        }
        case Action.ATTACH: {
          const channel = message.channel ?? '';
          if (operationsOn(connection.capability, channel).size === 0) {
            events.push({ type: 'attach-refused', connectionId: id, channel, code: 40160 });
            return fail({ code: 40160, statusCode: 401, message: `Channel denied access based on given capability; channel = ${channel}` }, channel);
          }
          attached.add(channel);
          events.push({ type: 'attached', connectionId: id, channel });
          return void send({ action: Action.ATTACHED, channel, flags: message.flags ?? 0, channelSerial: `${id}:0` });
        }
        case Action.DETACH:
          attached.delete(message.channel ?? '');
          return void send({ action: Action.DETACHED, channel: message.channel });
        default:
        // Messages, presence and the rest are outside what the stand-in models.
      }
    }
  }

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    port,
    clientOptions: {
      realtimeHost: '127.0.0.1',
      restHost: '127.0.0.1',
      port,
      tls: false,
      fallbackHosts: [],
      useBinaryProtocol: false,
      transports: ['web_socket'],
      connectivityCheckUrl: `http://127.0.0.1:${port}/is-the-internet-up.txt`,
      wsConnectivityCheckUrl: `ws://127.0.0.1:${port}/`,
    },
    events,
    connections: () => [...live.values()].map(({ id, clientId, capability, open }) => ({ id, clientId, capability, open })),
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
