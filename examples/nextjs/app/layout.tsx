import type { Metadata } from 'next';
import type { ReactNode } from 'react';
// The shared page's stylesheet, so every example looks the same (no web fonts: nothing is fetched).
import '@ably-chat-auth-examples/shared/public/chat-page.css';

export const metadata: Metadata = { title: 'Ably Chat auth demo \u00b7 Next.js' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
