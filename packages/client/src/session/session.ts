import * as Ably from 'ably';
import { ChatClient } from '@ably/chat';
import { requestToken } from '../auth-callback.js';
import { invalidOptions, tokenRouteError } from '../errors.js';
import { resolveOptions, type ResolvedAuthCallbackOptions } from '../options.js';
import type { AuthToken, TokenRouteError } from '../types.js';
import { clientIdOf } from './client-id.js';
import type { ChatSession, ChatSessionOptions, ChatSessionState } from './types.js';

const OWN = ['realtimeOptions', 'chatOptions'];
const FETCH = ['method', 'credentials', 'headers', 'fetch', 'timeout'];

interface Pair {
  realtime: Ably.Realtime;
  chat: ChatClient;
  /** Learnt from the first token this pair took; undefined for an opaque token. */
  clientId: string | undefined;
  /** A token already fetched, handed to this pair's next authCallback instead of a second route call. */
  handed: AuthToken | undefined;
}

/**
 * Creates the owner of the `Ably.Realtime` + `ChatClient` pair for one token route. Create it once,
 * outside components. It fetches a token at once (`checking` until the answer); 401 leaves it `signed-out` and 403 `forbidden`
 * with no connection; otherwise it connects as the token's clientId. An Ably connection cannot
 * change identity (a renewed token naming another user fails it with 40102), so when the identity
 * changes (after `signedIn()`, `signedOut()`, `refresh()`, or a renewal) the session closes the old
 * pair and builds a new one; the same identity renews in place.
 *
 * @example
 * import { createChatSession } from '@ably-chat-auth/client/session';
 *
 * const session = createChatSession('/api/ably-token');
 * session.subscribe((state) => render(state.status)); // 'checking' | 'signed-out' | 'forbidden' | 'connecting' | 'connected' | 'failed'
 * // after your login form succeeded:
 * await session.signedIn();
 */
export function createChatSession(url: string, options: ChatSessionOptions = {}): ChatSession {
  if (!options || typeof options !== 'object') throw invalidOptions('createChatSession: options must be an object.');
  const fetchOptions: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(options)) {
    if (FETCH.includes(name)) fetchOptions[name] = value;
    else if (!OWN.includes(name)) throw invalidOptions(`createChatSession: unknown option '${name}'. Options: ${[...OWN, ...FETCH].join(', ')}.`);
  }
  return new Session(url, resolveOptions(url, fetchOptions), options);
}

class Session implements ChatSession {
  private state: ChatSessionState = { status: 'checking' };
  private readonly listeners = new Set<(state: ChatSessionState) => void>();
  private pair: Pair | undefined;
  /** Bumped by every decision; a route answer for an older one is dropped (the last call wins). */
  private turn = 0;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly fetchOptions: ResolvedAuthCallbackOptions,
    private readonly options: ChatSessionOptions,
  ) {
    void this.refresh();
  }

  get chatClient(): ChatClient | undefined {
    return this.pair?.chat;
  }

  get realtime(): Ably.Realtime | undefined {
    return this.pair?.realtime;
  }

  getState = (): ChatSessionState => this.state;

  subscribe = (listener: (state: ChatSessionState) => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  signedIn(): Promise<ChatSessionState> {
    return this.refresh();
  }

  signedOut(): Promise<ChatSessionState> {
    // The old identity's connection must not outlive the sign-out while the route is asked.
    this.drop();
    return this.refresh();
  }

  async refresh(): Promise<ChatSessionState> {
    if (this.closed) return this.state;
    const turn = ++this.turn;
    let token: AuthToken;
    try {
      token = await requestToken(this.url, this.fetchOptions);
    } catch (error) {
      if (turn === this.turn) this.refused(error as TokenRouteError);
      return this.state;
    }
    if (turn !== this.turn || this.closed) return this.state;
    const clientId = clientIdOf(token);
    const pair = this.pair;
    if (pair && clientId !== undefined && clientId === pair.clientId && !['failed', 'closed', 'closing'].includes(pair.realtime.connection.state)) {
      pair.handed = token;
      // Same identity: the client re-authenticates on its open connection (new capabilities, no reconnect).
      await pair.realtime.auth.authorize().catch(() => {});
      return this.state;
    }
    this.build(token, clientId);
    return this.state;
  }

  close(): void {
    this.closed = true;
    this.turn++;
    this.drop();
    this.listeners.clear();
  }

  /** A refusal of the route decides the state; anything else is the connection's to retry. */
  private refused(error: TokenRouteError): void {
    if (error.statusCode === 401) {
      this.drop();
      this.set({ status: 'signed-out' });
    } else if (error.statusCode === 403) {
      this.drop();
      this.set({ status: 'forbidden', reason: error });
    } else if (!this.pair) {
      this.set({ status: 'failed', reason: error });
    }
  }

  private build(token: AuthToken, clientId: string | undefined): void {
    this.drop();
    const realtime = new Ably.Realtime({
      ...this.options.realtimeOptions,
      autoConnect: true,
      authCallback: (_params, callback) => this.authorize(pair, callback),
    });
    const chat = new ChatClient(realtime, this.options.chatOptions);
    const pair: Pair = { realtime, chat, clientId, handed: token };
    this.pair = pair;
    realtime.connection.on((change) => {
      if (this.pair !== pair) return;
      if (change.current === 'connected') this.set({ status: 'connected', clientId: realtime.auth.clientId ?? pair.clientId ?? '', chatClient: chat });
      else if (change.current === 'failed') this.set({ status: 'failed', reason: change.reason ?? realtime.connection.errorReason });
      else if (change.current !== 'closing' && change.current !== 'closed' && this.state.status !== 'connecting') {
        this.set({ status: 'connecting', clientId: pair.clientId, chatClient: chat });
      }
    });
    this.set({ status: 'connecting', clientId, chatClient: chat });
  }

  /** The pair's authCallback: every token it takes passes here, so an identity change is seen before Ably sees it. */
  private authorize(pair: Pair, callback: (error: Ably.ErrorInfo | TokenRouteError | null, token: AuthToken | null) => void): void {
    const handed = pair.handed;
    pair.handed = undefined;
    const stale = () => tokenRouteError('This connection was replaced by a newer one of the session.', 40170, 500);
    (handed ? Promise.resolve(handed) : requestToken(this.url, this.fetchOptions)).then(
      (token) => {
        if (this.pair !== pair) return callback(stale(), null);
        const clientId = clientIdOf(token);
        if (pair.clientId !== undefined && clientId !== undefined && clientId !== pair.clientId) {
          // Another user now: this connection cannot become theirs (Ably would fail it with 40102).
          this.turn++;
          this.build(token, clientId);
          return callback(stale(), null);
        }
        pair.clientId ??= clientId;
        callback(null, token);
      },
      (error: TokenRouteError) => {
        if (this.pair !== pair) return callback(stale(), null);
        this.turn++;
        this.refused(error);
        callback(error, null);
      },
    );
  }

  /** Closes the current pair, if any: no connection of an old identity is left open. */
  private drop(): void {
    const pair = this.pair;
    if (!pair) return;
    this.pair = undefined;
    pair.realtime.close();
    void pair.chat.dispose().catch(() => {});
  }

  private set(state: ChatSessionState): void {
    this.state = state;
    for (const listener of [...this.listeners]) {
      try {
        listener(state);
      } catch {
        // A listener's bug must not stop the others or the session.
      }
    }
  }
}
