'use client';

import { useEffect, useRef, useState, type FormEvent } from 'react';
import * as Ably from 'ably';
import { ChatClient, ChatMessageEventType, RoomStatus, type Room } from '@ably/chat';
import { createAuthCallback, type AuthCallback } from '@ably-chat-auth/client';
import { readToken, type FeatureTable, type TokenView } from '../lib/token-panel';

const ROOM_NAME = 'lobby';

/** Props from the server page: core's feature table and the dev key's public name. */
export interface ChatPageProps {
  features: FeatureTable;
  devKeyName: string;
}

interface ChatMessage {
  serial: string;
  clientId: string;
  text: string;
}

interface ConnectionView {
  state: string;
  detail: string;
}

/**
 * The demo chat page. Tokens come from `createAuthCallback('/api/ably-token', { unauthenticated:
 * 'stop' })`; on load the page asks nothing itself: the SDK's first token answers "signed in?" (a
 * token opens the chat, a 401 shows the login form, a 403 shows the refusal and the client stops).
 */
export function ChatPage({ features, devKeyName }: ChatPageProps) {
  // Each sign-in gets a new Ably client; null while the login form is shown.
  const [clientRun, setClientRun] = useState<number | null>(1);
  const [view, setView] = useState<'pending' | 'login' | 'chat'>('pending');
  const [username, setUsername] = useState<string | null>(null);
  const [loginError, setLoginError] = useState<string | null>(null);
  const [pageError, setPageError] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [token, setToken] = useState<TokenView | null>(null);
  const [tokenCount, setTokenCount] = useState(0);
  const [connection, setConnection] = useState<ConnectionView>({ state: 'initialized', detail: '' });
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [roomAttached, setRoomAttached] = useState(false);
  const [draft, setDraft] = useState('');
  const roomRef = useRef<Room | null>(null);
  const featuresRef = useRef(features);

  useEffect(() => {
    if (clientRun === null) return;
    let ended = false;
    const fetchToken = createAuthCallback('/api/ably-token', {
      unauthenticated: 'stop',
      onUnauthenticated: () => {
        // No session: the login form. The client is closed once the SDK has had its answer.
        if (ended) return;
        setView('login');
        setToken(null);
        setTimeout(() => setClientRun(null), 0);
      },
      onForbidden: (error) => {
        if (!ended) setRefusal(`Refused by the token route (403): ${error.message} The Ably client will not retry.`);
      },
    });
    // Shows each new token, then hands the answer to the SDK unchanged.
    const authCallback: AuthCallback = (params, callback) =>
      fetchToken(params, (error, answer) => {
        if (!ended && !error && typeof answer === 'string') {
          setToken(readToken(answer, featuresRef.current));
          setTokenCount((n) => n + 1);
          setRefusal(null);
          setView('chat');
        }
        callback(error, answer);
      });

    const realtime = new Ably.Realtime({ authCallback, logLevel: 1 });
    const chat = new ChatClient(realtime);
    realtime.connection.on((change) => {
      if (ended) return;
      const reason = change.reason ? `${change.reason.message} (Ably error ${change.reason.code}, status ${change.reason.statusCode})` : '';
      const retry = change.retryIn ? ` Retrying in ${Math.round(change.retryIn / 1000)} s.` : '';
      setConnection({ state: change.current, detail: (reason + retry).trim() });
      if (change.current === 'connected' && roomRef.current) void attach(roomRef.current);
    });

    const attach = async (room: Room) => {
      try {
        await room.attach();
        if (!ended) setRoomAttached(true);
      } catch (error) {
        if (!ended) setPageError(`Chat: ${(error as Error).message}`);
      }
    };

    chat.rooms
      .get(ROOM_NAME)
      .then((room) => {
        if (ended) return;
        roomRef.current = room;
        room.messages.subscribe((event) => {
          if (event.type === ChatMessageEventType.Created) {
            const { serial, clientId, text } = event.message;
            setMessages((list) => [...list, { serial, clientId, text }]);
          }
        });
        room.onStatusChange((change) => {
          if (!ended) setRoomAttached(change.current === RoomStatus.Attached);
        });
        if (realtime.connection.state === 'connected') void attach(room);
      })
      .catch((error: Error) => setPageError(`Could not open the room: ${error.message}`));

    return () => {
      ended = true;
      roomRef.current = null;
      setRoomAttached(false);
      setMessages([]);
      chat.dispose().catch(() => {});
      realtime.close();
    };
  }, [clientRun]);

  async function post(path: string, body?: unknown): Promise<{ response: Response; data: { username?: string; error?: string } | null }> {
    const response = await fetch(path, {
      method: 'POST',
      credentials: 'include',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const isJson = (response.headers.get('content-type') ?? '').includes('json');
    return { response, data: isJson ? ((await response.json().catch(() => null)) as { username?: string; error?: string } | null) : null };
  }

  async function onLogin(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const field = new FormData(event.currentTarget).get('username');
    try {
      const { response, data } = await post('/login', { username: typeof field === 'string' ? field : '' });
      if (!response.ok) {
        setLoginError(data?.error ?? `The server answered ${response.status}.`);
        return;
      }
      setLoginError(null);
      setPageError(null);
      setRefusal(null);
      setUsername(data?.username ?? null);
      setView('pending');
      setClientRun((run) => (run ?? 0) + 1);
    } catch (error) {
      setLoginError(`Could not reach the server: ${(error as Error).message}`);
    }
  }

  async function onLogout() {
    setClientRun(null);
    setToken(null);
    setUsername(null);
    try {
      const { response, data } = await post('/logout');
      if (!response.ok) setPageError(`Logout failed: ${data?.error ?? response.status}`);
    } catch (error) {
      setPageError(`Could not reach the server: ${(error as Error).message}`);
    }
    // Only now: a login form shown before the answer would sit beside a session that still works.
    setView('login');
  }

  function onSend(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const text = draft.trim();
    const room = roomRef.current;
    if (!text || !room) return;
    setDraft('');
    room.messages.send({ text }).catch((error: Error) => setPageError(`Send failed: ${error.message}`));
  }

  const signedInAs = token?.clientId ?? username;
  const sendEnabled = roomAttached && connection.state === 'connected';

  return (
    <>
      <header className="top">
        <h1>
          Ably Chat auth demo <span className="badge">Next.js</span>
        </h1>
        {view !== 'login' && signedInAs ? (
          <div id="session">
            Signed in as <strong id="session-user">{signedInAs}</strong>{' '}
            <button id="logout" type="button" className="secondary" onClick={() => void onLogout()}>
              Log out
            </button>
          </div>
        ) : null}
      </header>
      <main>
        {pageError ? (
          <p id="page-error" className="alert error" role="alert">
            {pageError}
          </p>
        ) : null}

        {view === 'login' ? (
          <section id="login-view" className="card narrow">
            <h2>Sign in</h2>
            <form id="login-form" method="post" action="/login" noValidate onSubmit={(event) => void onLogin(event)}>
              <label htmlFor="username">Username</label>
              <div className="row">
                <input id="username" name="username" autoComplete="username" spellCheck={false} autoCapitalize="none" required autoFocus />
                <button type="submit">Sign in</button>
              </div>
              {loginError ? (
                <p id="login-error" className="field-error" role="alert">
                  {loginError}
                </p>
              ) : null}
            </form>
            <p className="hint">
              No password: this is a demo. Try <code>alice</code>, <code>admin</code> (moderates <code>announcements</code>) or <code>banned</code> (refused
              with 403).
            </p>
          </section>
        ) : (
          <section id="chat-view">
            {refusal ? (
              <p id="refusal" className="alert error" role="alert">
                {refusal}
                {connection.state === 'failed' && connection.detail ? ` Connection failed: ${connection.detail}.` : ''}
              </p>
            ) : null}
            {view === 'pending' && !refusal ? (
              <p id="chat-pending" className="card narrow muted" aria-live="polite">
                Getting your Ably token{'\u2026'}
              </p>
            ) : null}
            {view === 'chat' && token && !refusal ? (
              <div id="chat-grid" className="grid">
                <section className="card chat">
                  <div className="card-head">
                    <h2>
                      Room <code>{ROOM_NAME}</code>
                    </h2>
                    <span id="connection-state" className="state" data-state={connection.state}>
                      {connection.state}
                    </span>
                  </div>
                  {connection.detail ? (
                    <p id="connection-detail" className="detail">
                      {connection.detail}
                    </p>
                  ) : null}
                  <ul id="messages" className="messages" aria-live="polite">
                    {messages.map((m) => (
                      <li key={m.serial} className={m.clientId === token.clientId ? 'mine' : undefined}>
                        <span className="who">{m.clientId}</span> <span className="text">{m.text}</span>
                      </li>
                    ))}
                  </ul>
                  <form id="send-form" className="row" onSubmit={onSend}>
                    <input
                      id="message-input"
                      autoComplete="off"
                      placeholder="Write a message"
                      aria-label="Message"
                      disabled={!sendEnabled}
                      value={draft}
                      onChange={(event) => setDraft(event.target.value)}
                    />
                    <button id="send-button" type="submit" disabled={!sendEnabled}>
                      Send
                    </button>
                  </form>
                </section>
                <aside>
                  <TokenPanel token={token} count={tokenCount} devKeyName={devKeyName} />
                </aside>
              </div>
            ) : null}
            {/* The refusal stands alone; the connection state stays readable for tests and curious users. */}
            {refusal ? <span id="connection-state" data-state={connection.state} hidden /> : null}
          </section>
        )}
      </main>
    </>
  );
}

function TokenPanel({ token, count, devKeyName }: { token: TokenView; count: number; devKeyName: string }) {
  return (
    <section id="token-panel" className="card">
      <h2>Your Ably token</h2>
      <div id="token-details">
        {token.keyName === devKeyName ? (
          <p id="dev-key-note" className="note">
            Signed with the embedded development key: Ably rejects this token, so the chat cannot connect. Set <code>ABLY_API_KEY</code> on the server to chat
            for real.
          </p>
        ) : null}
        <dl className="facts">
          <dt>clientId</dt>
          <dd id="token-client-id">{token.clientId ?? '(none)'}</dd>
          <dt>Expires</dt>
          <dd id="token-expiry">{new Date(token.expiresAt).toLocaleTimeString()}</dd>
          <dt>Signed by</dt>
          <dd id="token-key">{token.keyName ?? '(no kid)'}</dd>
          <dt>Fetched</dt>
          <dd id="token-fetched">
            by the SDK{'\u2019'}s authCallback{count > 1 ? ` (${count} tokens so far)` : ''}
          </dd>
        </dl>
        <table className="rooms">
          <thead>
            <tr>
              <th>Room pattern</th>
              <th>Chat features</th>
              <th>What others see about you</th>
            </tr>
          </thead>
          <tbody id="token-rooms">
            {token.rooms.map((room) => (
              <tr key={room.room} data-room={room.room}>
                <th>
                  <code>{room.room}</code>
                </th>
                <td title={`Operations: ${room.operations.join(', ')}`}>
                  {room.features.length === 0
                    ? 'no complete Chat feature'
                    : room.features.map((feature) => (
                        <span key={feature} className="chip">
                          {feature}
                        </span>
                      ))}
                </td>
                <td className="claim">{room.seen ?? 'nothing (no user claim applies)'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <details>
          <summary>Raw token</summary>
          <pre id="token-raw">{token.jwt}</pre>
        </details>
      </div>
    </section>
  );
}
