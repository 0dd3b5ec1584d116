// Plain createElement calls rather than JSX: the package's build and tests need no JSX setup.
import { createContext, createElement, useContext, useSyncExternalStore, type ReactNode } from 'react';
import { ChatClientProvider } from '@ably/chat/react';
import type { ChatClient } from '@ably/chat';
import type { ChatSession, ChatSessionState } from '../session/types.js';

const SessionContext = createContext<ChatSession | undefined>(undefined);

/** Props of {@link ChatSessionProvider}. */
export interface ChatSessionProviderProps {
  /** The session, created once outside components with `createChatSession`. */
  session: ChatSession;
  children?: ReactNode;
}

// One key per chat client: when the identity changes, the subtree under ChatClientProvider remounts,
// so rooms and hooks start over on the new client instead of holding the closed one.
const keys = new WeakMap<ChatClient, number>();
let nextKey = 0;
function keyOf(client: ChatClient): number {
  let key = keys.get(client);
  if (key === undefined) keys.set(client, (key = ++nextKey));
  return key;
}

/**
 * Provides the session's state to {@link useChatSession} and, while a chat client exists
 * (`connecting` or `connected`), wraps the children in `@ably/chat/react`'s `ChatClientProvider`
 * with it, swapped when the identity changes. Render chat components only in those two states.
 *
 * @example
 * createElement(ChatSessionProvider, { session }, createElement(App))
 */
export function ChatSessionProvider({ session, children }: ChatSessionProviderProps): ReactNode {
  const state = useSyncExternalStore(session.subscribe, session.getState, session.getState);
  const inner =
    state.status === 'connected' || state.status === 'connecting'
      ? createElement(ChatClientProvider, { client: state.chatClient, key: keyOf(state.chatClient) }, children)
      : children;
  return createElement(SessionContext.Provider, { value: session }, inner);
}

/**
 * The session's state, re-rendered on every change: `checking`, `signed-out`, `forbidden`, `connecting`,
 * `connected` (with `clientId`) or `failed` (with `reason`). Must be used under {@link ChatSessionProvider}.
 */
export function useChatSession(): ChatSessionState {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useChatSession() must be used inside <ChatSessionProvider session={...}>.');
  return useSyncExternalStore(session.subscribe, session.getState, session.getState);
}
