import type * as Ably from 'ably';
import type { ChatClient, ChatClientOptions } from '@ably/chat';
import type { AuthCallbackOptions, TokenRouteError } from '../types.js';

/** Realtime options the app passes; the session owns auth, identity and when to connect. */
export type SessionRealtimeOptions = Omit<
  Ably.ClientOptions,
  'authCallback' | 'authUrl' | 'authMethod' | 'authHeaders' | 'authParams' | 'key' | 'token' | 'tokenDetails' | 'clientId' | 'autoConnect' | 'useTokenAuth'
>;

/** Options of {@link createChatSession}: how to fetch the token route, plus the app's own Ably and Chat options. */
export interface ChatSessionOptions extends Pick<AuthCallbackOptions, 'method' | 'credentials' | 'headers' | 'fetch' | 'timeout'> {
  /** Passed to every `new Ably.Realtime(...)` the session builds (hosts, logLevel, ...). */
  realtimeOptions?: SessionRealtimeOptions;
  /** Passed to every `new ChatClient(...)` the session builds. */
  chatOptions?: ChatClientOptions;
}

/**
 * Where the session stands; one value a UI can render.
 * - `checking`: the first answer of the route is awaited (from creation until it comes): render a
 *   placeholder, not a login prompt, so a signed-in user never sees "sign in" flash on load.
 * - `signed-out`: the route answered 401; no connection is open.
 * - `forbidden`: the route answered 403 (e.g. a banned user); no connection is open and none is retried.
 * - `connecting`: a client exists for `clientId` (known once its token is) and is connecting or reconnecting.
 * - `connected`: connected as `clientId`.
 * - `failed`: the connection failed for another reason (`reason` says which); `refresh()` tries again.
 */
export type ChatSessionState =
  | { status: 'checking' }
  | { status: 'signed-out' }
  | { status: 'forbidden'; reason: TokenRouteError }
  | { status: 'connecting'; clientId: string | undefined; chatClient: ChatClient }
  | { status: 'connected'; clientId: string; chatClient: ChatClient }
  | { status: 'failed'; reason: Ably.ErrorInfo | TokenRouteError };

/** The owner of one `Ably.Realtime` + `ChatClient` pair for one token route. */
export interface ChatSession {
  /** The current state (the same object until it changes). Bound: safe to pass around, as React's useSyncExternalStore does. */
  readonly getState: () => ChatSessionState;
  /** Calls `listener` on every change; returns the function that stops it. Bound, like `getState`. */
  readonly subscribe: (listener: (state: ChatSessionState) => void) => () => void;
  /** The current chat client, if a connection exists. */
  readonly chatClient: ChatClient | undefined;
  /** The current Ably client, if a connection exists. */
  readonly realtime: Ably.Realtime | undefined;
  /** Call after the user signed in: fetches a token and connects as them, replacing any other identity's connection. */
  signedIn(): Promise<ChatSessionState>;
  /** Call after the user signed out: closes the connection at once, then asks the route what is left (401: signed-out). */
  signedOut(): Promise<ChatSessionState>;
  /**
   * Asks the route again. The same clientId keeps its connection and takes the new token in place
   * (new capabilities, no reconnect); another clientId gets a new connection, the old one closed.
   */
  refresh(): Promise<ChatSessionState>;
  /** Closes the connection for good (tests, teardown). */
  close(): void;
}
