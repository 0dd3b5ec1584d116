// The page the Chromium test renders: the React bindings over a session on the Ably stand-in.
import { createElement, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { useChatClient } from '@ably/chat/react';
import { createChatSession, type SessionRealtimeOptions } from '@ably-chat-auth/client/session';
import { ChatSessionProvider, useChatSession } from '@ably-chat-auth/client/react';

const page = window as unknown as { standIn: SessionRealtimeOptions; chatSession: unknown; rendered: string[] };
const session = createChatSession('/api/ably-token', { realtimeOptions: { ...page.standIn, logLevel: 0 } });
page.chatSession = session;
page.rendered = [];

function Connected({ clientId }: { clientId: string }) {
  // From @ably/chat/react's own context: proves the provider handed over the current client.
  const chat = useChatClient();
  return createElement('p', { id: 'status' }, `Chatting as ${clientId} (chat client ${chat.clientId ?? '?'})`);
}

function Status() {
  const state = useChatSession();
  useEffect(() => {
    const label = state.status === 'connected' ? `connected:${state.clientId}` : state.status;
    if (page.rendered.at(-1) !== label) page.rendered.push(label);
  }, [state]);
  switch (state.status) {
    case 'checking':
      return createElement('p', { id: 'status' }, 'Checking');
    case 'signed-out':
      return createElement('p', { id: 'status' }, 'Sign in to chat');
    case 'forbidden':
      return createElement('p', { id: 'status' }, 'You may not chat');
    case 'connecting':
      return createElement('p', { id: 'status' }, 'Connecting');
    case 'connected':
      return createElement(Connected, { clientId: state.clientId });
    case 'failed':
      return createElement('p', { id: 'status' }, `Chat failed: ${state.reason.message}`);
  }
}

createRoot(document.getElementById('root')!).render(createElement(ChatSessionProvider, { session }, createElement(Status)));
