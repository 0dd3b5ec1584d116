import { CHAT_FEATURES } from '@ably-chat-auth/core';
import { DEV_API_KEY } from '../lib/demo';
import { ChatPage } from './chat-page';

/** `GET /`: the chat page. Core's feature table and the dev key's public name are handed to the browser as props. */
export default function Home() {
  return <ChatPage features={CHAT_FEATURES} devKeyName={DEV_API_KEY.split(':')[0] ?? ''} />;
}
